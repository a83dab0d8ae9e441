package dev.kvcap.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kvcap}: the command line. Results go to stdout; progress, logs and errors to stderr. */
@Command(
        name = "kvcap",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Key-Value Memory image captioning on the JVM.",
        footer = {
            "",
            "Also, from bin/kvcap with the kvcap-spark module built: spark-caption (caption a folder or a "
                    + "list of images into Parquet on Apache Spark; bin/kvcap spark-caption --help)."
        },
        subcommands = {
            DemoCommand.class,
            SynthCommand.class,
            TrainCommand.class,
            CaptionCommand.class,
            ServeCommand.class,
            EvaluateCommand.class,
            BaselineCommand.class,
            ScoreCommand.class,
            BenchCommand.class,
            MemoryCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs kvcap with {@code args} and returns the exit status (no System.exit: tests call this). */
    public static int run(String... args) {
        return run(new Main(), args);
    }

    /**
     * Runs {@code command} (a picocli {@code @Command} object, e.g. one from another kvcap module
     * such as {@code spark-caption}) with {@code args} under kvcap's rules for errors and exit
     * statuses: one line on stderr, 2 for bad options, 1 otherwise.
     */
    public static int run(Object command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler(Main::onError);
        cli.setParameterExceptionHandler(Main::onBadArguments);
        Activity.clear();
        try {
            return cli.execute(args);
        } catch (Error e) { // picocli hands only Exceptions to onError
            return report(e, cli.getErr(), args.length > 0 ? args[0] : "");
        } finally {
            Activity.clear();
        }
    }

    @Override
    public void run() {
        throw missingCommand(spec);
    }

    /** {@code kvcap} (or {@code kvcap memory}) without a command: a bad command line, exit 2. */
    static CommandLine.ParameterException missingCommand(CommandLine.Model.CommandSpec spec) {
        return new CommandLine.ParameterException(spec.commandLine(),
                "give a command: " + String.join(", ", spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList()));
    }

    /**
     * One line, no stack trace (unless {@code KVCAP_DEBUG} is set), exit 1 (2 for a bad option's value,
     * {@link dev.kvcap.config.OptionException}): kvcap's own errors say
     * what to fix; anything else says what kvcap was doing and asks for a report ({@link Errors}).
     */
    private static int onError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        return report(e, cli.getErr(), cli.getCommandSpec().qualifiedName().replaceFirst("^kvcap ?", ""));
    }

    private static int report(Throwable e, PrintWriter err, String command) {
        String activity = Activity.current();
        if (activity == null) {
            activity = "running 'kvcap " + command + "'";
        }
        err.println("kvcap: " + Errors.line(e, activity));
        if (System.getenv("KVCAP_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return Errors.isBadOption(e) ? 2 : 1;
    }

    private static int onBadArguments(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        // picocli words some of its messages "Error: ..."; the line already starts with "kvcap: "
        String message = Errors.oneLine(e).replaceFirst("^Error: ", "");
        err.println("kvcap: " + message + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return 2;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"kvcap " + (v == null ? "dev" : v)};
        }
    }
}

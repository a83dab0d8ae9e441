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
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::onError);
        cli.setParameterExceptionHandler(Main::onBadArguments);
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** One line, no stack trace, non-zero: what failed and what to do about it. */
    private static int onError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        err.println("kvcap: " + Errors.oneLine(e));
        if (System.getenv("KVCAP_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    private static int onBadArguments(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println(
                "kvcap: "
                        + Errors.oneLine(e)
                        + " (see 'kvcap "
                        + e.getCommandLine().getCommandName().replace("kvcap", "").trim()
                        + " --help')");
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

package dev.kvcap.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options every command that runs the model shares. The thread count must be known before DJL
 * loads PyTorch, so it is applied while the command line is parsed.
 */
public final class EngineOptions {

    /**
     * Most threads per core {@code --threads} accepts. More intra-op threads than cores only slows
     * PyTorch down, and far more never finishes: 1000 threads took 15 s for one caption on two
     * cores, 100,000 hung while creating them.
     */
    static final int MAX_THREADS_PER_CORE = 4;

    static {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Intra-op threads for PyTorch, 1 to 4 per core (default: all cores).")
    void setThreads(int n) {
        int cores = Runtime.getRuntime().availableProcessors();
        int most = MAX_THREADS_PER_CORE * cores;
        if (n < 1 || n > most) {
            throw new CommandLine.ParameterException(
                    command.commandLine(),
                    "--threads must be between 1 and " + most + " (" + MAX_THREADS_PER_CORE + " per core, " + cores
                            + " cores here), got " + n + "; leave it out to use one per core");
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(n));
    }

    public EngineOptions() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty(
                    "ai.djl.pytorch.num_threads",
                    String.valueOf(Runtime.getRuntime().availableProcessors()));
        }
    }
}

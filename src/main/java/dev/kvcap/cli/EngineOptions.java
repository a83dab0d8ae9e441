package dev.kvcap.cli;

import picocli.CommandLine.Option;

/**
 * Options every command that runs the model shares. The thread count must be known before DJL
 * loads PyTorch, so it is applied while the command line is parsed.
 */
public final class EngineOptions {

    static {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Intra-op threads for PyTorch (default: all cores).")
    void setThreads(int n) {
        if (n < 1) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--threads must be at least 1");
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

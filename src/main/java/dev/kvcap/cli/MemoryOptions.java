package dev.kvcap.cli;

import dev.kvcap.bank.MemoryBank;
import dev.kvcap.bank.ModelFingerprint;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --model} option of the {@code memory} subcommands, and where that model's bank is. */
final class MemoryOptions {

    @Option(
            names = "--model",
            paramLabel = "MODEL_DIR",
            required = true,
            description = "Model directory; its bank is MODEL_DIR/memory/.")
    Path model;

    /** {@code MODEL_DIR/memory}, after checking MODEL_DIR is a kvcap model directory. */
    Path bankDir() {
        return Banks.dir(model);
    }

    /** The fingerprint of the model's weights, the id its bank must have been built for. */
    String modelId() {
        return ModelFingerprint.of(model);
    }
}

package dev.kvcap.cli;

import com.google.gson.JsonObject;
import dev.kvcap.bank.BankInfo;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.bank.ModelFingerprint;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
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

    /**
     * The model's bank opened for writing, or empty when it has none. It is opened with the
     * stored width and this model's id, so a bank from another model is refused with one line.
     */
    Optional<MemoryBank> openExisting() {
        Path dir = bankDir();
        String modelId = modelId();
        return MemoryBank.identity(dir).map(stored -> MemoryBank.open(dir, new BankInfo(modelId, stored.dim())));
    }

    /** Prints a memory command's one-line JSON answer on the command's stdout. */
    static void print(CommandSpec spec, JsonObject answer) {
        spec.commandLine().getOut().println(answer);
        spec.commandLine().getOut().flush();
    }
}

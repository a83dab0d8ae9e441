package dev.kvcap.cli;

import com.google.gson.JsonObject;
import dev.kvcap.bank.BankInfo;
import dev.kvcap.bank.BankStats;
import dev.kvcap.bank.MemoryBank;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kvcap memory stats --model DIR}: one JSON object on stdout. Reads the latest commit without
 * the write lock, so it works while {@code serve} writes. A bank built for another model is
 * reported ({@code "matches_model": false}), not refused.
 */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description = "Print the memory bank's size, distinct sources and words, bytes on disk, as one JSON object.")
final class MemoryStatsCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin MemoryOptions memory;

    @Override
    public Integer call() {
        Path dir = memory.bankDir();
        Activity.now("reading the memory bank " + dir);
        String modelId = memory.modelId();
        JsonObject o = new JsonObject();
        o.addProperty("bank", dir.toString());
        o.addProperty("model_id", modelId);
        Optional<BankInfo> stored = MemoryBank.identity(dir);
        if (stored.isEmpty()) {
            o.addProperty("exists", false);
            o.addProperty("entries", 0);
        } else {
            try (MemoryBank bank = MemoryBank.openReadOnly(dir, stored.get())) {
                BankStats s = bank.stats();
                o.addProperty("exists", true);
                o.addProperty("entries", s.entries());
                o.addProperty("sources", s.sources());
                o.addProperty("words", s.words());
                o.addProperty("bytes_on_disk", s.bytesOnDisk());
                o.addProperty("dim", s.dim());
                o.addProperty("bank_model_id", s.modelId());
                o.addProperty("matches_model", s.modelId().equals(modelId));
            }
            if (!stored.get().modelId().equals(modelId)) {
                spec.commandLine().getErr().println(
                        "kvcap: warning: the bank was built for model " + stored.get().modelId() + ", not this model ("
                                + modelId + "); it will be refused: run 'kvcap memory clear --model " + memory.model + "'");
            }
        }
        MemoryOptions.print(spec, o);
        return 0;
    }
}

package dev.kvcap.cli;

import com.google.gson.JsonObject;
import dev.kvcap.bank.MemoryBank;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kvcap memory merge --model DIR}: merges the bank into one segment (one HNSW graph), as
 * {@code memory build} does at its end; for banks built before it did, or grown since by {@code
 * remember}/{@code teach}. Prints {@code {"entries": N, "seconds": S}}.
 */
@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        description = {
            "Merge the bank into one segment, so that each lookup while decoding searches one HNSW graph.",
            "Rewrites the index (about 9 s for 43k entries of width 256); needs the bank's write lock."
        })
final class MemoryMergeCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin MemoryOptions memory;

    @Override
    public Integer call() {
        Activity.now("merging the memory bank of " + memory.model);
        JsonObject o = new JsonObject();
        long start = System.nanoTime();
        Optional<MemoryBank> existing = memory.openExisting();
        if (existing.isEmpty()) {
            o.addProperty("entries", 0);
        } else {
            try (MemoryBank bank = existing.get()) {
                bank.merge();
                bank.commit();
                o.addProperty("entries", bank.size());
            }
        }
        o.addProperty("seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
        MemoryOptions.print(spec, o);
        return 0;
    }
}

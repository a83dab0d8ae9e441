package dev.kvcap.cli;

import com.google.gson.JsonObject;
import dev.kvcap.bank.MemoryBank;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvcap memory remove --model DIR --source PREFIX}: deletes the entries whose source starts
 * with PREFIX (e.g. {@code teach:}, {@code remember:3f2a…}) in one atomic commit; prints {@code
 * {"removed": N, "entries": M}}.
 */
@Command(
        name = "remove",
        mixinStandardHelpOptions = true,
        description = "Remove the entries whose source starts with PREFIX (train:, remember:SHA1, teach:SHA1, ...).")
final class MemoryRemoveCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin MemoryOptions memory;

    @Option(
            names = "--source",
            paramLabel = "PREFIX",
            required = true,
            description = "Source prefix of the entries to remove (not empty: use 'memory clear' for all).")
    String source;

    @Override
    public Integer call() {
        Activity.now("removing source " + source + " from the memory bank of " + memory.model);
        JsonObject o = new JsonObject();
        Optional<MemoryBank> existing = memory.openExisting();
        if (existing.isEmpty()) {
            o.addProperty("removed", 0);
            o.addProperty("entries", 0);
        } else {
            try (MemoryBank bank = existing.get()) {
                long removed = bank.removeSource(source);
                bank.commit();
                o.addProperty("removed", removed);
                o.addProperty("entries", bank.size());
            }
        }
        MemoryOptions.print(spec, o);
        return 0;
    }
}

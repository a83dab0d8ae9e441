package dev.kvcap.cli;

import com.google.gson.JsonObject;
import dev.kvcap.bank.MemoryBank;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kvcap memory clear --model DIR}: empties the bank whatever model built it (also a damaged
 * one) in one atomic commit; the next writer stamps it with its own model. Prints {@code
 * {"cleared": true}}.
 */
@Command(
        name = "clear",
        mixinStandardHelpOptions = true,
        description = "Delete every entry of the model's memory bank (also one built for another model).")
final class MemoryClearCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin MemoryOptions memory;

    @Override
    public Integer call() {
        Path dir = memory.bankDir();
        Activity.now("clearing the memory bank " + dir);
        MemoryBank.reset(dir);
        JsonObject o = new JsonObject();
        o.addProperty("bank", dir.toString());
        o.addProperty("cleared", true);
        MemoryOptions.print(spec, o);
        return 0;
    }
}

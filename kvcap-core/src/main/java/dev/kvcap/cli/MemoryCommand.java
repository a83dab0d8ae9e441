package dev.kvcap.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kvcap memory}: manage the persistent memory bank beside a model ({@code MODEL_DIR/memory/}).
 * Each subcommand is its own class; commands that compute keys with the model ({@code build}, {@code
 * add}) are appended to {@code subcommands}.
 */
@Command(
        name = "memory",
        mixinStandardHelpOptions = true,
        description = "Inspect and edit the memory bank of (key, value) pairs kept beside a model.",
        subcommands = {
            MemoryStatsCommand.class,
            MemoryRemoveCommand.class,
            MemoryClearCommand.class,
            MemoryMergeCommand.class,
            MemoryBuildCommand.class,
            MemoryAddCommand.class,
        })
public final class MemoryCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw Main.missingCommand(spec);
    }
}

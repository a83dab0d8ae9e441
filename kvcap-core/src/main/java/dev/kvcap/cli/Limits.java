package dev.kvcap.cli;

import dev.kvcap.config.OptionException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks of the options several commands share, made before any work starts. */
final class Limits {

    private Limits() {}

    /** @throws IllegalArgumentException naming {@code option} when {@code value} is given and below 1 */
    static void atLeastOne(String option, Integer value) {
        if (value != null && value < 1) {
            throw new OptionException(option + " must be at least 1, got " + value);
        }
    }

    /**
     * @throws IllegalArgumentException naming {@code option} when {@code folder} does not exist or
     *     is a file (rather than one "file not found" line per image later)
     */
    static void existingFolder(String option, Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + ": " + folder
                    + (Files.exists(folder) ? " is a file, not a folder of images" : " does not exist"));
        }
    }

    /** Refuses a folder to write into ({@code option}) that is a file: it would fail later, half-way. */
    static void folderOrNothing(String option, Path folder) {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + ": " + folder + " is a file; give a folder (it is created if missing)");
        }
    }

    /**
     * @throws IllegalArgumentException naming {@code option} when {@code file} cannot be appended
     *     to: it is a folder, it exists and is not writable, or it does not and its folder is not writable
     */
    static void appendable(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + ": " + file + " is a folder; give a file name");
        }
        Path folder = file.toAbsolutePath().getParent();
        boolean ok = Files.exists(file) ? Files.isWritable(file) : folder != null && Files.isWritable(folder);
        if (!ok) {
            throw new IllegalArgumentException(option + ": cannot append to " + file + " (not writable, or its folder is not)");
        }
    }
}

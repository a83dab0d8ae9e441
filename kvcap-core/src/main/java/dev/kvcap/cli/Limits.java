package dev.kvcap.cli;

/** Checks of the options several commands share, made before any work starts. */
final class Limits {

    private Limits() {}

    /** @throws IllegalArgumentException naming {@code option} when {@code value} is given and below 1 */
    static void atLeastOne(String option, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
    }

    /**
     * @throws IllegalArgumentException naming {@code option} when {@code folder} does not exist or
     *     is a file (rather than one "file not found" line per image later)
     */
    static void existingFolder(String option, java.nio.file.Path folder) {
        if (!java.nio.file.Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + ": " + folder
                    + (java.nio.file.Files.exists(folder) ? " is a file, not a folder of images" : " does not exist"));
        }
    }
}

package dev.kvcap.cli;

import dev.kvcap.config.OptionException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
     * Refuses, before any work, a file the command will append to at its end: tries it as the append
     * will (opened for appending, nothing written; removed again if this made it), which also catches
     * what permissions alone do not show (a file where a folder should be, a link into a missing
     * folder, a read-only file system). A pipe or a device is only checked for permission: opening a
     * pipe waits for its reader.
     *
     * @throws IllegalArgumentException "OPTION: cannot append to FILE: why", or naming a folder given for a file
     */
    static void appendable(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + ": " + file + " is a folder; give a file name");
        }
        String cannot = option + ": cannot append to " + file + ": ";
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            if (!Files.isWritable(file)) {
                throw new IllegalArgumentException(cannot + "permission denied");
            }
            return;
        }
        boolean made = !Files.exists(file);
        try {
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
            if (made) {
                Files.delete(file.toRealPath()); // the file a link names, not the link
            }
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(cannot + "permission denied", e);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(cannot + "its folder does not exist", e);
        } catch (FileSystemException e) {
            throw new IllegalArgumentException(cannot + (e.getReason() != null ? e.getReason() : e.getMessage()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(cannot + e.getMessage(), e);
        }
    }
}

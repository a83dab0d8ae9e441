package dev.kvcap.data;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** A file-system error in words, for one-line messages: what is wrong with which path, no exception class names. */
public final class FileErrors {

    private FileErrors() {}

    /** {@code e} in words with its path ("no such file: X", "X: Is a directory"), or null when it is no such error. */
    public static String describe(Throwable e) {
        if (!(e instanceof FileSystemException f) || f.getMessage() == null || f.getMessage().isBlank()) {
            return null;
        }
        if (f instanceof NoSuchFileException) {
            return "no such file: " + f.getMessage();
        }
        if (f instanceof AccessDeniedException) {
            return "permission denied: " + f.getMessage();
        }
        if (f instanceof NotDirectoryException) {
            return "not a folder: " + f.getMessage();
        }
        if (f instanceof FileAlreadyExistsException) {
            return "already exists: " + f.getFile() + " (a file where kvcap needs a folder?)";
        }
        if (f.getReason() != null && f.getFile() != null) {
            return f.getFile() + ": " + f.getReason(); // the JDK's message repeats the file, and the other one
        }
        return null;
    }
}

package dev.kvcap.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Replaces a directory as a whole: write everything into a fresh sibling, then swap it in with
 * renames. A crash leaves either the old directory or the new one, never a half-written mix; the
 * only window (old moved aside, new not yet in place) is repaired by {@link #recover}.
 */
public final class AtomicDirectory {

    private AtomicDirectory() {}

    /** A fresh empty sibling of {@code target} to write into. */
    public static Path staging(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
    }

    /** Moves {@code staged} into place as {@code target}, replacing what was there. */
    public static void commit(Path staged, Path target) throws IOException {
        Path aside = target.resolveSibling("." + target.getFileName() + ".old");
        deleteTree(aside);
        if (Files.exists(target)) {
            Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(aside);
    }

    /** Restores {@code target} if a crash happened between the two renames of {@link #commit}. */
    public static void recover(Path target) throws IOException {
        Path aside = target.resolveSibling("." + target.getFileName() + ".old");
        if (!Files.exists(target) && Files.isDirectory(aside)) {
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Deletes a directory tree (no-op when absent). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

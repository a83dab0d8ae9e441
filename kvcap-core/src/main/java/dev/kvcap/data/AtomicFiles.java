package dev.kvcap.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files written whole or not at all: the content goes to a temporary file beside the target,
 * which is then renamed over it. A crash or an error leaves the old file (or none), never a
 * half-written one, and no temporary file behind.
 */
public final class AtomicFiles {

    /** Writes the content of a file, given the path of the temporary file to write. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path temporary) throws IOException;
    }

    /** Links followed to find the file to replace, as the kernel's own limit (Linux: 40). */
    private static final int MAX_LINKS = 40;

    private AtomicFiles() {}

    /**
     * Runs {@code writer} on a temporary sibling of {@code target}, then renames it into place.
     *
     * @throws IOException "cannot write TARGET: why", never naming the temporary file
     */
    public static void write(Path target, Writer writer) throws IOException {
        if (writtenThrough(target)) {
            writeThrough(target, writer);
            return;
        }
        Path abs = destination(target);
        checkPath(target, abs); // the temporary file below is the rest of checkWritable's test
        Path tmp;
        try {
            tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
        try {
            readableLikeAnyFile(tmp, abs);
            writer.writeTo(tmp);
            try {
                Files.move(
                        tmp,
                        abs,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileSystemException e) {
            boolean ours = tmp.toString().equals(e.getFile()) || abs.toString().equals(e.getFile());
            throw ours ? cannotWrite(target, e) : e; // the writer's own reading of other files speaks for itself
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Fails early, before any work, where {@link #write} would fail at its end: {@code target} is
     * a folder, a part of its path is a file, or no file can be made in its folder. Makes the
     * folder.
     *
     * @throws IOException "cannot write TARGET: why"
     */
    public static void checkWritable(Path target) throws IOException {
        if (writtenThrough(target)) {
            if (!Files.isWritable(target)) {
                throw new IOException("cannot write " + target + ": permission denied");
            }
            return;
        }
        Path abs = destination(target);
        checkPath(target, abs);
        try {
            Files.delete(Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp")); // as write will
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
    }

    /**
     * Whether {@code target} is not a file to replace but something to write into: a device or a
     * pipe ({@code /dev/stdout}, {@code /dev/null}, a named pipe), or any path under {@code /dev}
     * or {@code /proc}. Renaming a file over it would put a plain file in its place.
     */
    private static boolean writtenThrough(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        return abs.startsWith("/dev") || abs.startsWith("/proc")
                || Files.exists(abs) && !Files.isRegularFile(abs) && !Files.isDirectory(abs);
    }

    /** Writes the content into {@code target} as it is (no temporary sibling can replace a device). */
    private static void writeThrough(Path target, Writer writer) throws IOException {
        Path tmp = Files.createTempFile("kvcap-", ".tmp");
        try {
            writer.writeTo(tmp);
            try (OutputStream out = Files.newOutputStream(target)) {
                Files.copy(tmp, out);
            } catch (FileSystemException e) {
                throw cannotWrite(target, e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The file to replace: {@code target} itself, or, where it is a symbolic link, the file the link
     * names (which need not exist yet); the link stays a link.
     */
    private static Path destination(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(abs); hops++) {
            if (hops == MAX_LINKS) {
                throw new IOException("cannot write " + target + ": more than " + MAX_LINKS + " symbolic links in a row");
            }
            abs = abs.resolveSibling(Files.readSymbolicLink(abs)).normalize();
        }
        return abs;
    }

    /**
     * {@link #checkWritable} without trying a file in the folder: the path's shape, and the folder
     * made; {@code abs} is {@code target}'s {@link #destination}.
     */
    private static void checkPath(Path target, Path abs) throws IOException {
        if (Files.isDirectory(abs)) {
            throw new IOException("cannot write " + target + ": it is a folder; give a file name");
        }
        for (Path p = abs.getParent(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            if (Files.exists(p)) {
                throw new IOException("cannot write " + target + ": " + p + " is a file, not a folder");
            }
        }
        try {
            Files.createDirectories(abs.getParent());
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
    }

    private static IOException cannotWrite(Path target, IOException e) {
        String why;
        if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            why = "no file can be made there";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            why = f.getReason();
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new IOException("cannot write " + target + ": " + why, e);
    }

    /**
     * A temporary file is created readable by its owner only; the file it becomes should have the
     * permissions of the file it replaces, or those of a file written directly (rw-r--r--).
     */
    private static void readableLikeAnyFile(Path tmp, Path target) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> perms =
                Files.exists(target)
                        ? Files.getPosixFilePermissions(target)
                        : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, perms);
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, tmp -> Files.write(tmp, bytes));
    }

    public static void write(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }
}

package dev.kvcap.bank;

import dev.kvcap.data.FileErrors;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;

/** The one-line messages of {@link BankException}: what is wrong with the bank and what to do. */
final class BankErrors {

    private BankErrors() {}

    static BankException mismatch(Path dir, BankInfo stored, BankInfo wanted) {
        return new BankException(
                "memory bank " + dir + " was built for " + stored.describe() + ", not for " + wanted.describe()
                        + ": run 'kvcap memory clear --model " + modelDirHint(dir) + "' to start a new one");
    }

    static BankException notABank(Path dir) {
        return new BankException(
                dir + " holds a Lucene index that is not a kvcap memory bank: run 'kvcap memory clear --model "
                        + modelDirHint(dir) + "' or move it away");
    }

    static BankException locked(Path dir, String remedy, Exception cause) {
        return new BankLockedException(
                "memory bank " + dir + " is open for writing by another process (serve, caption --remember,"
                        + " memory build): " + remedy, cause);
    }

    /** A damaged index (clearing is the remedy) or an I/O failure (permissions, disk: fix that). */
    static BankException unreadable(Path dir, IOException e) {
        if (e instanceof CorruptIndexException
                || e instanceof IndexFormatTooOldException
                || e instanceof IndexFormatTooNewException) {
            String which = e instanceof CorruptIndexException ? "is damaged" : "is damaged, or was written by another Lucene version";
            return new BankException(
                    "memory bank " + dir + " " + which + ": run 'kvcap memory clear --model " + modelDirHint(dir)
                            + "' to start a new one", e);
        }
        return new BankException("cannot open memory bank " + dir + " (" + oneLine(e) + ")", e);
    }

    /** The model directory to name in messages: the parent of {@code .../memory}. */
    static Path modelDirHint(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path name = abs.getFileName();
        return name != null && name.toString().equals(MemoryBank.DIR_NAME) && abs.getParent() != null
                ? abs.getParent()
                : abs;
    }

    /** Why an I/O operation on a bank failed, on one line and in words (no exception class names). */
    static String oneLine(Throwable e) {
        String file = FileErrors.describe(e);
        if (file != null) {
            return file;
        }
        if (e instanceof java.nio.file.DirectoryNotEmptyException f) {
            return "folder not empty: " + f.getFile();
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": file system error"; // FileErrors.describe took those with a reason
        }
        String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}

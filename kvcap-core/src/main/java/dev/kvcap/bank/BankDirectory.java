package dev.kvcap.bank;

import dev.kvcap.data.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Version;

/** Operations on a bank directory that need no open bank: read its identity, reset it, bank.json. */
final class BankDirectory {

    private BankDirectory() {}

    static Optional<BankInfo> identity(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Directory d = FSDirectory.open(dir)) {
            if (!DirectoryReader.indexExists(d)) {
                return Optional.empty();
            }
            return BankInfo.fromCommitData(SegmentInfos.readLatestCommit(d).getUserData(), dir);
        } catch (IOException e) {
            throw BankErrors.unreadable(dir, e);
        }
    }

    /**
     * Replaces the index with an empty commit without identity (OpenMode.CREATE: atomic on commit).
     * A damaged index, which even CREATE cannot read past, is deleted file by file under the lock.
     */
    static void reset(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BankException("memory bank " + dir + " is a file, not a bank's folder; move it away and clear again");
        }
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Directory d = FSDirectory.open(dir)) {
            try {
                createEmpty(d);
            } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException damaged) {
                try (Lock lock = d.obtainLock(IndexWriter.WRITE_LOCK_NAME)) {
                    for (String f : d.listAll()) {
                        if (!f.equals(IndexWriter.WRITE_LOCK_NAME)) {
                            d.deleteFile(f);
                        }
                    }
                }
                createEmpty(d);
            }
            Files.deleteIfExists(dir.resolve(MemoryBank.INFO_FILE));
        } catch (LockObtainFailedException e) {
            throw BankErrors.locked(dir, "stop it and clear again", e);
        } catch (IOException e) {
            throw new BankException("memory bank " + dir + " cannot be cleared (" + BankErrors.oneLine(e) + ")", e);
        }
    }

    private static void createEmpty(Directory d) throws IOException {
        IndexWriterConfig config = new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        try (IndexWriter w = new IndexWriter(d, config)) {
            w.commit();
        }
    }

    /** {@code bank.json}: the identity for people and tools (the commit user data is authoritative). */
    static void writeInfoFile(Path dir, BankInfo info) throws IOException {
        String json =
                "{\"format\": " + BankInfo.FORMAT
                        + ", \"modelId\": \"" + info.modelId()
                        + "\", \"dim\": " + info.dim()
                        + ", \"similarity\": \"" + Schema.SIMILARITY
                        + "\", \"engine\": \"lucene-" + Version.LATEST
                        + " hnsw\", \"note\": \"the identity in the Lucene commit user data is authoritative\"}\n";
        AtomicFiles.write(dir.resolve(MemoryBank.INFO_FILE), json);
    }
}

package dev.kvcap.bank;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * A persistent bank of (key, value) pairs in a Lucene HNSW vector index, kept in {@code
 * MODEL_DIR/memory/} ({@link #dirOf}).
 *
 * <p>Guarantees (docs/MEMORY-BANK.md): {@link #add} is visible to this bank's searches at once and
 * durable after {@link #commit} (or {@link #close}); a commit is atomic, so a crash or kill leaves
 * the last commit intact. Searches are safe from any thread while another writes. One writer per
 * directory (Lucene's write lock, across processes); any number of {@link #openReadOnly} banks,
 * in this or other processes, search the latest commit without the lock. A bank built for another
 * model or key width is refused with a one-line {@link BankException}.
 *
 * <p>D = key width ({@link BankInfo#dim()}); k = neighbours per query.
 */
public final class MemoryBank implements AutoCloseable {

    /** The bank's directory inside a model directory. */
    public static final String DIR_NAME = "memory";

    /** Human-readable copy of the identity beside the index (the commit user data is authoritative). */
    public static final String INFO_FILE = "bank.json";

    private final Path path;
    private final BankInfo info;
    private final BankOptions options;
    private final Directory directory;
    private final IndexWriter writer; // null when read-only
    private final SearcherManager searchers;
    private final Object writeLock = new Object();
    private long nextId; // guarded by writeLock
    private volatile boolean stale; // a writer's adds or deletes not yet visible to searches
    private volatile long lastRefresh = System.nanoTime();
    private volatile boolean closed;

    private MemoryBank(
            Path path, BankInfo info, BankOptions options, Directory directory, IndexWriter writer,
            SearcherManager searchers, long nextId) {
        this.path = path;
        this.info = info;
        this.options = options;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.nextId = nextId;
    }

    /** {@code modelDir/memory}: where a model's bank lives. */
    public static Path dirOf(Path modelDir) {
        return modelDir.resolve(DIR_NAME);
    }

    /** Opens (creating if needed) the bank in {@code dir} for writing and searching. */
    public static MemoryBank open(Path dir, BankInfo info) {
        return open(dir, info, BankOptions.DEFAULT);
    }

    public static MemoryBank open(Path dir, BankInfo info, BankOptions options) {
        Directory d = null;
        IndexWriter w = null;
        try {
            Files.createDirectories(dir);
            d = FSDirectory.open(dir);
            IndexWriterConfig config =
                    new IndexWriterConfig()
                            .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                            .setRAMBufferSizeMB(options.ramBufferMb())
                            .setCommitOnClose(true);
            try {
                w = new IndexWriter(d, config);
            } catch (LockObtainFailedException e) {
                throw BankErrors.locked(dir, "stop it or open the bank read-only", e);
            }
            Map<String, String> data = new LinkedHashMap<>();
            Iterable<Map.Entry<String, String>> live = w.getLiveCommitData();
            if (live != null) {
                live.forEach(e -> data.put(e.getKey(), e.getValue()));
            }
            Optional<BankInfo> stored = BankInfo.fromCommitData(data, dir);
            if (stored.isPresent() && !stored.get().equals(info)) {
                throw BankErrors.mismatch(dir, stored.get(), info);
            }
            if (stored.isEmpty() && w.getDocStats().numDocs > 0) {
                throw BankErrors.notABank(dir);
            }
            long next = BankInfo.nextId(data);
            w.setLiveCommitData(info.commitData(next).entrySet(), true);
            if (stored.isEmpty()) {
                w.commit(); // the identity is durable before any entry is
                BankDirectory.writeInfoFile(dir, info);
            }
            SearcherManager sm = new SearcherManager(w, true, false, null);
            return new MemoryBank(dir, info, options, d, w, sm, next);
        } catch (IOException e) {
            closeQuietly(w, d);
            throw BankErrors.unreadable(dir, e);
        } catch (RuntimeException e) {
            closeQuietly(w, d);
            throw e;
        }
    }

    /** Opens the bank in {@code dir} for searching only; needs no lock, sees newer commits as they come. */
    public static MemoryBank openReadOnly(Path dir, BankInfo info) {
        return openReadOnly(dir, info, BankOptions.DEFAULT);
    }

    public static MemoryBank openReadOnly(Path dir, BankInfo info, BankOptions options) {
        Directory d = null;
        try {
            if (!Files.isDirectory(dir)) {
                throw new BankException("no memory bank in " + dir + " yet: build or add to it first");
            }
            d = FSDirectory.open(dir);
            if (!DirectoryReader.indexExists(d)) {
                throw new BankException("no memory bank in " + dir + " yet: build or add to it first");
            }
            SearcherFactory checked =
                    new SearcherFactory() {
                        @Override
                        public IndexSearcher newSearcher(IndexReader reader, IndexReader previous)
                                throws IOException {
                            checkCommit((DirectoryReader) reader, dir, info);
                            return new IndexSearcher(reader);
                        }
                    };
            SearcherManager sm = new SearcherManager(d, checked);
            return new MemoryBank(dir, info, options, d, null, sm, -1);
        } catch (IOException e) {
            closeQuietly(null, d);
            throw BankErrors.unreadable(dir, e);
        } catch (RuntimeException e) {
            closeQuietly(null, d);
            throw e;
        }
    }

    /** The identity recorded in the bank's latest commit; empty when there is no bank (or a cleared one). */
    public static Optional<BankInfo> identity(Path dir) {
        return BankDirectory.identity(dir);
    }

    /**
     * Empties the bank in {@code dir} whatever model it was built for (also a damaged one), in one
     * atomic commit; the next {@link #open} adopts its identity. Fails while a writer holds it.
     */
    public static void reset(Path dir) {
        BankDirectory.reset(dir);
    }

    public Path path() {
        return path;
    }

    public BankInfo info() {
        return info;
    }

    public boolean isReadOnly() {
        return writer == null;
    }

    /**
     * Adds entries in one batch (visible together to this bank's searches; durable after {@link
     * #commit}). Keys must have the bank's width D.
     */
    public void add(List<Entry> entries) {
        for (Entry e : entries) {
            checkKey(e.key(), "entry key from " + e.source());
        }
        synchronized (writeLock) {
            ensureWritable();
            long now = System.currentTimeMillis();
            List<Document> docs = new ArrayList<>(entries.size());
            for (Entry e : entries) {
                docs.add(Schema.toDocument(e, nextId++, now));
            }
            try {
                writer.addDocuments(docs);
            } catch (IOException e) {
                throw failed("add to", e);
            }
            writer.setLiveCommitData(info.commitData(nextId).entrySet(), false);
            stale = true;
        }
    }

    /** Makes every change so far durable in one atomic Lucene commit. */
    public void commit() {
        synchronized (writeLock) {
            ensureWritable();
            try {
                writer.commit();
            } catch (IOException e) {
                throw failed("commit", e);
            }
        }
    }

    /** The k nearest entries to {@code query} (length D) by Euclidean distance, nearest first. */
    public List<Hit> search(float[] query, int k) {
        return search(new float[][] {query}, k).get(0);
    }

    /** {@link #search(float[], int)} for several queries against one consistent view of the bank. */
    public List<List<Hit>> search(float[][] queries, int k) {
        checkQueries(queries, k);
        IndexSearcher s = acquire();
        try {
            List<List<Hit>> all = new ArrayList<>(queries.length);
            boolean empty = s.getIndexReader().numDocs() == 0;
            StoredFields stored = s.storedFields();
            for (float[] q : queries) {
                if (empty) {
                    all.add(List.of());
                    continue;
                }
                ScoreDoc[] top = KnnSearch.nearest(s, q, k, options.searchCandidates());
                List<Hit> hits = new ArrayList<>(top.length);
                for (ScoreDoc sd : top) {
                    hits.add(Schema.toHit(stored, sd.doc, sd.score));
                }
                all.add(hits);
            }
            return all;
        } catch (IOException e) {
            throw failed("search", e);
        } finally {
            release(s);
        }
    }

    /**
     * The same neighbours as {@link #search(float[][], int)}, reduced to word ids and distances:
     * the decoding path. It reads the word from doc values instead of the stored fields, whose
     * block decompression per hit added about 40 % to a search of a merged 43k-entry bank.
     */
    public List<Neighbours> nearest(float[][] queries, int k) {
        return nearest(queries, null, k);
    }

    /**
     * {@link #nearest(float[][], int)} keeping only entries remembered in the query's context
     * ({@link Entry#context}; entries without one match any): of the search's candidates
     * ({@link BankOptions#searchCandidates}, at least k), the first k that match, nearest first;
     * words are read for those only.
     *
     * @param contexts one per query, or null to keep every neighbour
     */
    public List<Neighbours> nearest(float[][] queries, long[] contexts, int k) {
        checkQueries(queries, k);
        if (contexts != null && contexts.length != queries.length) {
            throw new IllegalArgumentException("need one context per query");
        }
        IndexSearcher s = acquire();
        try {
            List<Neighbours> all = new ArrayList<>(queries.length);
            boolean empty = s.getIndexReader().numDocs() == 0;
            int fetch = contexts == null ? k : Math.max(k, options.searchCandidates());
            for (int r = 0; r < queries.length; r++) {
                if (empty) {
                    all.add(Neighbours.NONE);
                    continue;
                }
                ScoreDoc[] top = KnnSearch.nearest(s, queries[r], fetch, options.searchCandidates());
                long[] ctx = KnnSearch.contexts(s, top);
                if (contexts != null) {
                    int n = 0;
                    ScoreDoc[] kept = new ScoreDoc[Math.min(k, top.length)];
                    long[] keptCtx = new long[kept.length];
                    for (int i = 0; i < top.length && n < kept.length; i++) {
                        if (ctx[i] == contexts[r] || ctx[i] == Entry.NO_CONTEXT) {
                            keptCtx[n] = ctx[i];
                            kept[n++] = top[i];
                        }
                    }
                    top = Arrays.copyOf(kept, n);
                    ctx = Arrays.copyOf(keptCtx, n);
                }
                float[] distances = new float[top.length];
                for (int i = 0; i < top.length; i++) {
                    distances[i] = Schema.squaredDistance(top[i].score);
                }
                all.add(new Neighbours(KnnSearch.words(s, top), distances, ctx));
            }
            return all;
        } catch (IOException e) {
            throw failed("search", e);
        } finally {
            release(s);
        }
    }

    /**
     * Merges the bank into one segment, so that a search walks one HNSW graph instead of one per
     * segment. For the end of a bulk build: it rewrites the index (inserting the smaller segments'
     * keys into the largest one's graph), which took 8.6 s for 43k keys of width 256
     * (docs/MEMORY-BANK.md). Searches go on meanwhile; writes wait. Durable after {@link #commit}.
     */
    public void merge() {
        synchronized (writeLock) {
            ensureWritable();
            try {
                writer.forceMerge(1);
            } catch (IOException e) {
                throw failed("merge", e);
            }
            stale = true;
        }
    }

    /** Live entries, including added but uncommitted ones (for a writer). */
    public long size() {
        IndexSearcher s = acquire();
        try {
            return s.getIndexReader().numDocs();
        } finally {
            release(s);
        }
    }

    public BankStats stats() {
        IndexSearcher s = acquire();
        try {
            return BankCensus.of(s.getIndexReader(), info, bytesOnDisk());
        } catch (IOException e) {
            throw failed("read", e);
        } finally {
            release(s);
        }
    }

    /** How many live entries have a source starting with {@code sourcePrefix} (added ones included). */
    public long countSource(String sourcePrefix) {
        if (sourcePrefix == null || sourcePrefix.isEmpty()) {
            throw new IllegalArgumentException("source prefix must not be empty (size() counts everything)");
        }
        IndexSearcher s = acquire();
        try {
            return s.count(new PrefixQuery(new Term(Schema.SOURCE, sourcePrefix)));
        } catch (IOException e) {
            throw failed("read", e);
        } finally {
            release(s);
        }
    }

    /** Deletes the entries whose source starts with {@code sourcePrefix}; returns how many. */
    public long removeSource(String sourcePrefix) {
        if (sourcePrefix == null || sourcePrefix.isEmpty()) {
            throw new IllegalArgumentException("source prefix must not be empty (use clear to remove everything)");
        }
        Query q = new PrefixQuery(new Term(Schema.SOURCE, sourcePrefix));
        synchronized (writeLock) {
            ensureWritable();
            try {
                stale = false;
                searchers.maybeRefreshBlocking();
                IndexSearcher s = searchers.acquire();
                long n;
                try {
                    n = s.count(q);
                } finally {
                    searchers.release(s);
                }
                if (n > 0) {
                    writer.deleteDocuments(q);
                    stale = true;
                }
                return n;
            } catch (IOException e) {
                throw failed("remove from", e);
            }
        }
    }

    /** Deletes every entry, keeping the bank's identity (durable after {@link #commit}). */
    public void clear() {
        synchronized (writeLock) {
            ensureWritable();
            try {
                writer.deleteAll();
            } catch (IOException e) {
                throw failed("clear", e);
            }
            writer.setLiveCommitData(info.commitData(nextId).entrySet(), true);
            stale = true;
        }
    }

    /** Makes the latest commit (read-only) or latest change (writer) visible to searches now. */
    public void refresh() {
        ensureOpen();
        try {
            stale = false;
            lastRefresh = System.nanoTime();
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw failed("refresh", e);
        }
    }

    /** Commits (a writer) and releases the index. */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                searchers.close();
                if (writer != null) {
                    writer.close();
                }
                directory.close();
            } catch (IOException e) {
                throw failed("close", e);
            }
        }
    }

    private IndexSearcher acquire() {
        ensureOpen();
        try {
            if (writer != null) {
                if (stale) {
                    stale = false;
                    searchers.maybeRefreshBlocking();
                }
            } else if (System.nanoTime() - lastRefresh >= options.refreshMillis() * 1_000_000L) {
                lastRefresh = System.nanoTime();
                searchers.maybeRefresh();
            }
            return searchers.acquire();
        } catch (IOException e) {
            throw failed("refresh", e);
        } catch (AlreadyClosedException e) {
            throw new BankException("memory bank " + path + " is closed", e);
        }
    }

    private void release(IndexSearcher s) {
        try {
            searchers.release(s);
        } catch (IOException e) {
            throw failed("release", e);
        }
    }

    private long bytesOnDisk() throws IOException {
        long total = 0;
        for (String f : directory.listAll()) {
            try {
                total += directory.fileLength(f);
            } catch (NoSuchFileException | FileNotFoundException e) {
                // merged away while we listed: not on disk any more
            }
        }
        return total;
    }

    private void checkQueries(float[][] queries, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        for (float[] q : queries) {
            checkKey(q, "query");
        }
    }

    private void checkKey(float[] key, String what) {
        if (key == null || key.length != info.dim()) {
            throw new IllegalArgumentException(
                    what + " has width " + (key == null ? 0 : key.length) + " but the bank's keys have width " + info.dim());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new BankException("memory bank " + path + " is closed");
        }
    }

    private void ensureWritable() {
        ensureOpen();
        if (writer == null) {
            throw new BankException("memory bank " + path + " was opened read-only; open it with MemoryBank.open to write");
        }
    }

    private BankException failed(String what, IOException e) {
        return new BankException("cannot " + what + " memory bank " + path + " (" + BankErrors.oneLine(e) + ")", e);
    }

    /** Checks a read-only bank's (newer) commit is still for this model. */
    private static void checkCommit(DirectoryReader reader, Path dir, BankInfo expected) throws IOException {
        Optional<BankInfo> stored = BankInfo.fromCommitData(reader.getIndexCommit().getUserData(), dir);
        if (stored.isPresent() && !stored.get().equals(expected)) {
            throw BankErrors.mismatch(dir, stored.get(), expected);
        }
        if (stored.isEmpty() && reader.numDocs() > 0) {
            throw BankErrors.notABank(dir);
        }
    }

    private static void closeQuietly(IndexWriter w, Directory d) {
        try {
            if (w != null) {
                w.rollback(); // releases the lock without committing anything
            }
        } catch (IOException | RuntimeException ignored) {
            // already failing; the original error is the one to report
        }
        try {
            if (d != null) {
                d.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // as above
        }
    }
}

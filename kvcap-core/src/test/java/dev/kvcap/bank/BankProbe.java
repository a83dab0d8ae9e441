package dev.kvcap.bank;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * Times the ways of searching a real bank with real decoding keys (written by {@code
 * dev.kvcap.infer.RetrievalProbe}) and checks their neighbours against brute force. A {@code
 * main}, not a test:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.kvcap.bank.BankProbe BANK_DIR KEYS [ROWS_PER_CALL=3]
 * java -cp ... dev.kvcap.bank.BankProbe BANK_DIR merge      (forceMerge(1) in place, timed)
 * </pre>
 *
 * Variants, all k = 8 with 24 HNSW candidates (the decoding setting): {@code query} is the search
 * before this probe existed (a KnnFloatVectorQuery per row, stored fields per hit); {@code search}
 * is {@link MemoryBank#search}; {@code nearest} is {@link MemoryBank#nearest} with ROWS_PER_CALL
 * rows a call, as decoding calls it; {@code parallel} is one-row {@code nearest} calls on a
 * parallel stream, as decoding did before.
 */
public final class BankProbe {

    private static final int K = 8;
    private static final int CANDIDATES = Integer.getInteger("candidates", 24);

    private BankProbe() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        BankInfo info = MemoryBank.identity(dir).orElseThrow();
        if (args[1].equals("merge")) {
            long t0 = System.nanoTime();
            try (MemoryBank bank = MemoryBank.open(dir, info)) {
                bank.merge();
                bank.commit();
            }
            System.out.printf("merged %s into one segment in %.1f s%n", dir, (System.nanoTime() - t0) / 1e9);
            return;
        }
        float[][] keys = readKeys(Path.of(args[1]));
        int perCall = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        BankOptions options = BankOptions.DEFAULT.withSearchCandidates(CANDIDATES);
        try (MemoryBank bank = MemoryBank.openReadOnly(dir, info, options);
                FSDirectory fs = FSDirectory.open(dir);
                DirectoryReader reader = DirectoryReader.open(fs)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            System.out.printf("%d keys, %d entries in %d segment(s)%n", keys.length, reader.numDocs(), reader.leaves().size());
            for (int round = 1; round <= 3; round++) {
                double query = time(keys, 1, rows -> {
                    for (float[] q : rows) {
                        legacy(searcher, q);
                    }
                });
                double search = time(keys, 1, rows -> bank.search(rows, K));
                double nearest = time(keys, perCall, rows -> bank.nearest(rows, K));
                double parallel = time(keys, perCall, rows ->
                        IntStream.range(0, rows.length).parallel().forEach(r -> bank.nearest(new float[][] {rows[r]}, K)));
                System.out.printf(
                        "round %d, ms per row: query %.3f, search %.3f, nearest %.3f, parallel %.3f%n",
                        round, query, search, nearest, parallel);
            }
            float[][] all = allKeys(reader);
            int sameAsQuery = 0;
            int withinKth = 0;
            int legacyWithinKth = 0;
            for (float[] q : keys) {
                float kth = Keys.kthDistance(all, q, K);
                Neighbours n = bank.nearest(new float[][] {q}, K).get(0);
                List<Hit> old = legacy(searcher, q);
                Set<Float> a = new HashSet<>();
                for (float d : n.distances()) {
                    a.add(d);
                    withinKth += d <= kth * (1 + 1e-5f) + 1e-6f ? 1 : 0;
                }
                Set<Float> b = new HashSet<>();
                for (Hit h : old) {
                    b.add(h.distance());
                    legacyWithinKth += h.distance() <= kth * (1 + 1e-5f) + 1e-6f ? 1 : 0;
                }
                sameAsQuery += a.equals(b) ? 1 : 0;
            }
            System.out.printf(
                    "recall@%d vs brute force: nearest %.4f, query %.4f; same neighbours as query for %d/%d keys%n",
                    K, withinKth / (double) (keys.length * K), legacyWithinKth / (double) (keys.length * K),
                    sameAsQuery, keys.length);
        }
    }

    /** The search as it was: a KnnFloatVectorQuery through the searcher, stored fields per hit. */
    private static List<Hit> legacy(IndexSearcher s, float[] q) {
        try {
            TopDocs top = s.search(new KnnFloatVectorQuery(Schema.KEY, q, Math.max(K, CANDIDATES)), K);
            StoredFields stored = s.storedFields();
            List<Hit> hits = new ArrayList<>();
            for (ScoreDoc sd : top.scoreDocs) {
                hits.add(Schema.toHit(stored, sd.doc, sd.score));
            }
            return hits;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Calls {
        void run(float[][] rows);
    }

    /** Best of 3 passes over all keys, {@code perCall} rows a call: ms per row. */
    private static double time(float[][] keys, int perCall, Calls calls) {
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 3; pass++) {
            long t0 = System.nanoTime();
            for (int from = 0; from < keys.length; from += perCall) {
                calls.run(Arrays.copyOfRange(keys, from, Math.min(keys.length, from + perCall)));
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e6 / keys.length);
        }
        return best;
    }

    private static float[][] readKeys(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            float[][] keys = new float[in.readInt()][in.readInt()];
            for (float[] k : keys) {
                for (int j = 0; j < k.length; j++) {
                    k[j] = in.readFloat();
                }
            }
            return keys;
        }
    }

    private static float[][] allKeys(DirectoryReader reader) throws IOException {
        List<float[]> out = new ArrayList<>();
        for (LeafReaderContext leaf : reader.leaves()) {
            FloatVectorValues v = leaf.reader().getFloatVectorValues(Schema.KEY);
            for (int doc = v.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = v.nextDoc()) {
                out.add(v.vectorValue().clone());
            }
        }
        return out.toArray(new float[0][]);
    }
}

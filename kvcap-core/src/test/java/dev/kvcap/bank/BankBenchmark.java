package dev.kvcap.bank;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Builds a bank of 100,000 seeded clustered keys of width 256 (1,000 Gaussian clusters, like
 * decoder states that repeat per context), then times k = 8 searches after warm-up and checks
 * recall@8 against brute force. Not a JUnit test; run with
 *
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx2g -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.kvcap.bank.BankBenchmark [N] [DIM]
 * </pre>
 */
public final class BankBenchmark {

    private static final int CLUSTERS = 1_000;
    private static final int BATCH = 1_000;
    private static final int K = 8;
    private static final int WARMUP = 500;
    private static final int QUERIES = 2_000;
    private static final int RECALL_QUERIES = 100;

    private BankBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        Random random = new Random(42);
        float[][] centers = Keys.gaussian(7, CLUSTERS, dim);
        float[][] keys = new float[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = near(centers[random.nextInt(CLUSTERS)], random);
        }
        float[][] queries = new float[WARMUP + QUERIES][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = near(centers[random.nextInt(CLUSTERS)], random);
        }
        Path dir = Files.createTempDirectory("kvcap-bank-bench").resolve("memory");
        BankInfo info = new BankInfo("benchmark", dim);
        try {
            long t0 = System.nanoTime();
            try (MemoryBank bank = MemoryBank.open(dir, info)) {
                for (int from = 0; from < n; from += BATCH) {
                    List<Entry> batch = new ArrayList<>(BATCH);
                    for (int i = from; i < Math.min(n, from + BATCH); i++) {
                        batch.add(new Entry(keys[i], i % 10_000, "train:" + (i / 50)));
                    }
                    bank.add(batch);
                }
                bank.commit();
            } // close waits for background merges
            double buildSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "entries %d dim %d: build %.1f s (%.0f keys/s), %.1f MB on disk (%d files)%n",
                    n, dim, buildSeconds, n / buildSeconds, bytes(dir) / 1e6, fileCount(dir));
            for (int candidates : new int[] {BankOptions.DEFAULT.searchCandidates(), 50, 20}) {
                BankOptions options = new BankOptions(candidates, BankOptions.DEFAULT.ramBufferMb(), 1000);
                try (MemoryBank bank = MemoryBank.openReadOnly(dir, info, options)) {
                    for (int i = 0; i < WARMUP; i++) {
                        bank.search(queries[i], K);
                    }
                    long[] nanos = new long[QUERIES];
                    for (int i = 0; i < QUERIES; i++) {
                        long s = System.nanoTime();
                        bank.search(queries[WARMUP + i], K);
                        nanos[i] = System.nanoTime() - s;
                    }
                    Arrays.sort(nanos);
                    long s = System.nanoTime();
                    bank.stats();
                    double statsMs = (System.nanoTime() - s) / 1e6;
                    System.out.printf(
                            "  candidates %3d: search k=%d median %.3f ms, p99 %.3f ms, recall@%d %.3f; stats %.0f ms%n",
                            candidates, K, nanos[QUERIES / 2] / 1e6, nanos[QUERIES * 99 / 100] / 1e6, K,
                            recall(bank, keys, queries), statsMs);
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir.getParent())) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static float[] near(float[] center, Random random) {
        float[] v = new float[center.length];
        for (int j = 0; j < v.length; j++) {
            v[j] = center[j] + 0.5f * (float) random.nextGaussian();
        }
        return v;
    }

    /** Fraction of the returned 8 that are within the true 8th-nearest distance (brute force). */
    private static double recall(MemoryBank bank, float[][] keys, float[][] queries) {
        int found = 0;
        for (int q = 0; q < RECALL_QUERIES; q++) {
            float kth = Keys.kthDistance(keys, queries[q], K);
            for (Hit h : bank.search(queries[q], K)) {
                if (h.distance() <= kth * (1 + 1e-5f)) {
                    found++;
                }
            }
        }
        return found / (double) (RECALL_QUERIES * K);
    }

    private static long bytes(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static long fileCount(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}

package dev.kvcap.infer;

import dev.kvcap.bank.BankInfo;
import dev.kvcap.bank.BankOptions;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.bank.ModelFingerprint;
import dev.kvcap.config.DecodeConfig;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Per-caption latency with the memory bank off and on, in one JVM (no start-up or image decoding
 * in the figures), and how much of the difference is retrieval. A {@code main}, not a test:
 *
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx4g -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.kvcap.infer.RetrievalProbe \
 *     MODEL_DIR IMAGE_DIR [N=60] [BEAM=3] [KEYS_OUT]
 * </pre>
 *
 * The bank is opened as the CLI opens it for decoding (16 HNSW candidates, -Dcandidates=N to change, k = 8, λ = 0.3,
 * lookups skipped at p ≥ 0.9), as is a variant that searches a lookup's rows on a parallel stream.
 * Each image is captioned by each variant in turn, so a burst of load from other processes hits
 * all alike; medians are the figures to read on a shared machine. KEYS_OUT, when given,
 * receives every key looked up in the last round (int count, int width, then the floats) for
 * {@code dev.kvcap.bank.BankProbe}.
 */
public final class RetrievalProbe {

    private RetrievalProbe() {}

    public static void main(String[] args) throws IOException {
        Path model = Path.of(args[0]);
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int beam = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(args[1]))) {
            files = s.sorted().limit(n).toList();
        }
        try (Captioner captioner = Captioner.load(model)) {
            DecodeConfig decode = captioner.defaults().withBeamSize(beam).validate();
            List<byte[]> pixels = new ArrayList<>();
            for (Path f : files) {
                pixels.add(captioner.prepare(f));
            }
            BankInfo info = new BankInfo(ModelFingerprint.of(model), captioner.model().config().model().hiddenDim());
            Path dir = MemoryBank.dirOf(ModelFingerprint.weightsDir(model));
            try (MemoryBank bank = MemoryBank.openReadOnly(dir, info, BankOptions.DEFAULT.withSearchCandidates(Integer.getInteger("candidates", 16)))) {
                Retrieval r = new BankRetrieval(bank, BankRetrieval.DEFAULT_K, BankRetrieval.DEFAULT_WEIGHT).skipWhenConfident(0.9f);
                Timed timed = new Timed(r);
                Timed par = new Timed(parallel(bank, r));
                Timed empty = new Timed(nothing(r));
                Timed[] variants = {null, timed, par, empty};
                String[] names = {"off", "on", "on, rows in parallel", "on, bank finds nothing"};
                for (int i = 0; i < Math.min(10, pixels.size()); i++) { // warm-up
                    for (Timed v : variants) {
                        captioner.caption(List.of(pixels.get(i)), decode, false, v);
                    }
                }
                for (int round = 1; round <= 2; round++) {
                    for (Timed v : variants) {
                        if (v != null) {
                            v.reset();
                        }
                    }
                    double[][] ms = new double[variants.length][pixels.size()];
                    for (int i = 0; i < pixels.size(); i++) {
                        for (int j = 0; j < variants.length; j++) {
                            int v = (i + j) % variants.length; // each variant first as often: load bursts hit all alike
                            long t0 = System.nanoTime();
                            captioner.caption(List.of(pixels.get(i)), decode, false, variants[v]);
                            ms[v][i] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                    System.out.printf("round %d, %d captions, beam %d, ms per caption (median / mean):%n", round, pixels.size(), beam);
                    for (int v = 0; v < variants.length; v++) {
                        double median = median(ms[v]);
                        System.out.printf(
                                "  %-21s %6.1f / %6.1f  (%+.0f %% median)", names[v], median,
                                Arrays.stream(ms[v]).average().orElse(0), 100 * (median / median(ms[0]) - 1));
                        if (variants[v] != null) {
                            Timed t = variants[v];
                            System.out.printf(
                                    "; retrieval %.1f ms/caption (%.1f lookups, %.1f rows, %.3f ms/row)",
                                    t.nanos / 1e6 / pixels.size(), t.calls / (double) pixels.size(),
                                    t.rows / (double) pixels.size(), t.nanos / 1e6 / Math.max(1, t.rows));
                        }
                        System.out.println();
                    }
                }
                if (args.length > 4) {
                    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[4])))) {
                        out.writeInt(timed.keys.size());
                        out.writeInt(info.dim());
                        for (float[] k : timed.keys) {
                            for (float x : k) {
                                out.writeFloat(x);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The rows of a lookup searched on a parallel stream, one call each (how decoding searched before). */
    private static Retrieval parallel(MemoryBank bank, Retrieval sequential) {
        return new Retrieval() {
            @Override
            public List<WordDistribution> lookup(float[][] keys, long[] contexts) {
                WordDistribution[] out = new WordDistribution[keys.length];
                IntStream.range(0, keys.length).parallel().forEach(r -> out[r] = BankRetrieval.distribution(
                        bank.nearest(new float[][] {keys[r]}, BankRetrieval.DEFAULT_K).get(0), BankRetrieval.DEFAULT_WEIGHT, keys[r].length));
                return Arrays.asList(out);
            }

            @Override
            public float confidentAbove() {
                return sequential.confidentAbove();
            }
        };
    }

    /** Finds nothing without searching: what looking up costs the decoder besides the search. */
    private static Retrieval nothing(Retrieval sequential) {
        return new Retrieval() {
            @Override
            public List<WordDistribution> lookup(float[][] keys, long[] contexts) {
                return Collections.nCopies(keys.length, WordDistribution.EMPTY);
            }

            @Override
            public float confidentAbove() {
                return sequential.confidentAbove();
            }
        };
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Times the wrapped retrieval and keeps the keys of the last round. */
    private static final class Timed implements Retrieval {
        private final Retrieval inner;
        private final List<float[]> keys = new ArrayList<>();
        private long nanos;
        private long calls;
        private long rows;

        Timed(Retrieval inner) {
            this.inner = inner;
        }

        void reset() {
            nanos = 0;
            calls = 0;
            rows = 0;
            keys.clear();
        }

        @Override
        public List<WordDistribution> lookup(float[][] k, long[] contexts) {
            long t0 = System.nanoTime();
            List<WordDistribution> out = inner.lookup(k, contexts);
            nanos += System.nanoTime() - t0;
            calls++;
            rows += k.length;
            keys.addAll(List.of(k));
            return out;
        }

        @Override
        public float confidentAbove() {
            return inner.confidentAbove();
        }
    }
}

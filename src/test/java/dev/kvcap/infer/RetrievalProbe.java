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
 * The bank is opened as the CLI opens it for decoding (24 HNSW candidates, k = 8, λ = 0.3,
 * lookups skipped at p ≥ 0.9); {@code -Dparallel=true} searches a lookup's rows on a parallel stream
 * instead of one after another. KEYS_OUT, when given, receives every looked-up key (int count, int
 * width, then the floats) for {@code dev.kvcap.bank.BankProbe}.
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
            try (MemoryBank bank = MemoryBank.openReadOnly(dir, info, BankOptions.DEFAULT.withSearchCandidates(24))) {
                Retrieval r = new BankRetrieval(bank, BankRetrieval.DEFAULT_K, BankRetrieval.DEFAULT_WEIGHT).skipWhenConfident(0.9f);
                Timed timed = new Timed(Boolean.getBoolean("parallel") ? parallel(bank, r) : r);
                for (int i = 0; i < Math.min(10, pixels.size()); i++) { // warm-up
                    captioner.caption(List.of(pixels.get(i)), decode, false, null);
                    captioner.caption(List.of(pixels.get(i)), decode, false, timed);
                }
                for (int round = 1; round <= 3; round++) {
                    double off = perCaption(captioner, pixels, decode, null);
                    timed.reset();
                    double on = perCaption(captioner, pixels, decode, timed);
                    System.out.printf(
                            "round %d: %d captions, beam %d: off %.1f ms, on %.1f ms (%+.0f %%); retrieval %.1f ms/caption"
                                    + " (%.1f lookups, %.1f rows, %.3f ms/row)%n",
                            round, pixels.size(), beam, off, on, 100 * (on / off - 1), timed.nanos / 1e6 / pixels.size(),
                            timed.calls / (double) pixels.size(), timed.rows / (double) pixels.size(),
                            timed.nanos / 1e6 / Math.max(1, timed.rows));
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
            public List<WordDistribution> lookup(float[][] keys) {
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

    private static double perCaption(Captioner captioner, List<byte[]> pixels, DecodeConfig decode, Retrieval r) {
        long t0 = System.nanoTime();
        for (byte[] p : pixels) {
            captioner.caption(List.of(p), decode, false, r);
        }
        return (System.nanoTime() - t0) / 1e6 / pixels.size();
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
        public List<WordDistribution> lookup(float[][] k) {
            long t0 = System.nanoTime();
            List<WordDistribution> out = inner.lookup(k);
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

package dev.kvcap.infer;

import dev.kvcap.eval.CiderReward;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Times {@link WordMap} on a pool of N random unit descriptors 720 wide (the gradients' width) with
 * two of 1,500 words each: what {@link WordMap#MAX_IMAGES} bounds (docs/BENCHMARKS.md).
 *
 * <pre>
 * java -cp kvcap-core/target/test-classes:kvcap-core/target/kvcap.jar:kvcap-core/target/lib/'*' dev.kvcap.infer.WordMapProbe 20000
 * </pre>
 */
public final class WordMapProbe {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        int d = 720;
        Random random = new Random(1);
        float[] rows = new float[n * d];
        List<List<List<String>>> tokens = new ArrayList<>();
        List<List<int[]>> ids = new ArrayList<>();
        List<int[][]> docs = new ArrayList<>();
        for (int e = 0; e < n; e++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                rows[e * d + j] = (float) random.nextGaussian();
                norm += rows[e * d + j] * rows[e * d + j];
            }
            for (int j = 0; j < d; j++) {
                rows[e * d + j] /= (float) Math.sqrt(norm);
            }
            int a = random.nextInt(1500);
            int b = random.nextInt(1500);
            tokens.add(List.of(List.of("w" + a, "w" + b)));
            ids.add(List.of(new int[] {a, b}));
            docs.add(new int[][] {{a, b}});
        }
        ChoiceFit.Pool pool = new ChoiceFit.Pool(rows, d, tokens, ids, new CiderReward(docs, 1500));
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            WordMap.of(pool);
            long t1 = System.nanoTime();
            WordMap.crossFitted(pool);
            long t2 = System.nanoTime();
            System.out.printf("n %d: of %.2f s, crossFitted %.2f s%n", n, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        }
    }
}

package dev.kvcap.bank;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/** Seeded test keys and the brute-force nearest-neighbour oracle. */
final class Keys {

    private Keys() {}

    /** n Gaussian vectors of width dim. */
    static float[][] gaussian(long seed, int n, int dim) {
        Random r = new Random(seed);
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            for (int j = 0; j < dim; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return v;
    }

    /** One entry per key; the value word is the key's index, the source {@code prefix + index / per}. */
    static List<Entry> entries(float[][] keys, String prefix, int perSource) {
        List<Entry> out = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            out.add(new Entry(keys[i], i, "phrase " + i, prefix + (i / perSource)));
        }
        return out;
    }

    static float squaredDistance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return (float) s;
    }

    /** Indices of the k keys nearest to q, nearest first. */
    /** The k-th smallest squared distance from q to the keys (one pass, a sorted top-k buffer). */
    static float kthDistance(float[][] keys, float[] q, int k) {
        float[] best = new float[k];
        Arrays.fill(best, Float.POSITIVE_INFINITY);
        for (float[] key : keys) {
            float d = squaredDistance(key, q);
            if (d < best[k - 1]) {
                int i = k - 1;
                for (; i > 0 && best[i - 1] > d; i--) {
                    best[i] = best[i - 1];
                }
                best[i] = d;
            }
        }
        return best[k - 1];
    }

    static int[] nearest(float[][] keys, float[] q, int k) {
        return IntStream.range(0, keys.length)
                .boxed()
                .sorted(Comparator.comparingDouble(i -> squaredDistance(keys[i], q)))
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }
}

package dev.kvcap.infer;

import dev.kvcap.data.StopWords;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Which words an image's strokes predict, learned over all the training images at once: a ridge
 * regression from an image's unit descriptor (and a constant) onto the share of its captions that
 * use each content word (docs/REAL-DATA.md, "Words the image predicts"). The neighbours' captions
 * say what the few most similar images are called; the map says which words go with strokes like
 * these across every training image ("outline" with thin strokes, "arrow" with a diagonal and a
 * head). The fitted choice reads it as three features of a hypothesis ({@link
 * ConsensusChoice#WORD_FEATURES}): the mean, least and most predicted share of its content words.
 *
 * <p>The training images the choice is fitted on must be predicted as a test image is, by a map
 * that never saw their item: {@link #crossFitted} splits the images into {@link #FOLDS} groups of
 * whole items (images sharing a caption, chained) and predicts each image with the map fitted
 * without its group. Its map of every image ({@link #shares}) is the one {@link #of} fits alone,
 * bit for bit (both sum the same per-fold products), so whoever fitted the choice chooses with it
 * without fitting again.
 *
 * <p>Legend: N images, D descriptor width (+1 for the constant), W content words (those of at least
 * two images' captions).
 */
final class WordMap {

    /** Groups of items the cross-fitted map leaves out one at a time. */
    static final int FOLDS = 5;

    /** The ridge penalty on the unit descriptors (chosen on the first real set's validation split; docs/REAL-DATA.md). */
    static final double LAMBDA = 1;

    /**
     * The most images a map is fitted on: larger pools (an MSCOCO-sized index) take every k-th
     * image, so that the design stays under 60 MB (20,000 × 722 floats) and a fit 1.1–1.6 s
     * (docs/BENCHMARKS.md, {@code WordMapProbe}; the real icons' 5,227 take 0.4–0.6 s).
     */
    static final int MAX_IMAGES = 20_000;

    private static final int GRAM_BLOCK = 64; // samples a Gram row accumulates at a time

    private final int width; // D + 1
    private final Map<Integer, Integer> wordOf; // a content word's id → its column
    private final boolean[] function; // per id seen, whether it is a stop word (never scored)
    private final float[][] targets; // per fold (cross-fitted only) and the total (last): [W·(D+1)], Xᵀ Y column by column
    private final double[][] factors; // per fold (cross-fitted only) and the total (last): the lower Cholesky factor of Xᵀ X + λI, [(D+1)²]
    private final int[] foldOf; // per image, its fold

    /**
     * Predicted shares for one image: {@link #share} of a word id, NaN for a stop word (not a
     * content word, so no feature reads it), 0 for a content word the map never learned.
     */
    interface Shares {
        double share(int id);
    }

    private WordMap(int width, Map<Integer, Integer> wordOf, boolean[] function, float[][] targets, double[][] factors, int[] foldOf) {
        this.width = width;
        this.wordOf = wordOf;
        this.function = function;
        this.targets = targets;
        this.factors = factors;
        this.foldOf = foldOf;
    }

    /** One map fitted on every image of {@code pool}, for choosing a test image's caption ({@link #shares}). */
    static WordMap of(ChoiceFit.Pool pool) {
        return fit(pool, false);
    }

    /**
     * Maps fitted without each fold of items, for the training images the choice is fitted on
     * ({@link #sharesOf}), and the map of every image ({@link #shares}).
     */
    static WordMap crossFitted(ChoiceFit.Pool pool) {
        return fit(pool, true);
    }

    /** The predicted shares of a query image, {@code unit} its unit descriptor [D]. */
    Shares shares(float[] unit) {
        return shares(unit, FOLDS);
    }

    /** The predicted shares of pool image {@code e} by the map that never saw its fold (a {@link #crossFitted} map only). */
    Shares sharesOf(ChoiceFit.Pool pool, int e) {
        float[] row = Arrays.copyOfRange(pool.unitRows(), e * pool.width(), (e + 1) * pool.width());
        return shares(row, foldOf[e]);
    }

    private Shares shares(float[] unit, int fold) {
        double[] factor = factors[fold];
        if (factor == null) {
            throw new IllegalStateException("this word map was fitted on every image alone; it has no map without fold " + fold);
        }
        double[] x = new double[width];
        for (int j = 0; j < unit.length; j++) {
            x[j] = unit[j];
        }
        x[width - 1] = 1;
        double[] z = solve(factor, x, width);
        float[] all = targets[FOLDS];
        float[] left = fold == FOLDS ? null : targets[fold];
        return id -> {
            if (id >= 0 && id < function.length && function[id]) {
                return Double.NaN;
            }
            Integer w = wordOf.get(id);
            if (w == null) {
                return 0;
            }
            double s = 0;
            int at = w * width;
            for (int j = 0; j < width; j++) {
                s += z[j] * (left == null ? all[at + j] : all[at + j] - left[at + j]);
            }
            return s;
        };
    }

    private static WordMap fit(ChoiceFit.Pool pool, boolean crossFitted) {
        int n = pool.size();
        int d = pool.width();
        int width = d + 1;
        // content words and each image's shares of them
        int maxId = 0;
        Map<Integer, Integer> images = new HashMap<>(); // id → images whose captions use it
        Map<Integer, Boolean> stop = new HashMap<>();
        for (int e = 0; e < n; e++) {
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (int c = 0; c < pool.tokens().get(e).size(); c++) {
                List<String> words = pool.tokens().get(e).get(c);
                int[] ids = pool.ids().get(e).get(c);
                for (int k = 0; k < ids.length; k++) {
                    maxId = Math.max(maxId, ids[k]);
                    boolean isStop = !isContent(words.get(k));
                    stop.put(ids[k], isStop);
                    if (!isStop && seen.add(ids[k])) {
                        images.merge(ids[k], 1, Integer::sum);
                    }
                }
            }
        }
        boolean[] function = new boolean[maxId + 1];
        stop.forEach((id, s) -> function[id] = s);
        Map<Integer, Integer> wordOf = new HashMap<>();
        images.entrySet().stream().filter(x -> x.getValue() >= 2).map(Map.Entry::getKey).sorted()
                .forEach(id -> wordOf.put(id, wordOf.size()));
        int words = wordOf.size();
        int[] foldOf = folds(pool); // both kinds sum the Gram per fold, so their maps of every image agree
        int stride = (n + MAX_IMAGES - 1) / MAX_IMAGES;
        int[] members = IntStream.range(0, n).filter(e -> e % stride == 0).toArray();
        int m = members.length;
        // the design, one row per image, grouped by fold so each fold's Gram is a sum over one range
        Integer[] order = IntStream.of(members).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Integer.compare(foldOf[a], foldOf[b]));
        int[] start = new int[FOLDS + 1];
        for (int e : members) {
            start[foldOf[e] + 1]++;
        }
        for (int f = 0; f < FOLDS; f++) {
            start[f + 1] += start[f];
        }
        float[] rows = pool.unitRows();
        float[][] design = new float[m][]; // [m][D+1], by fold
        for (int r = 0; r < m; r++) {
            int e = order[r];
            design[r] = new float[width];
            for (int j = 0; j < d; j++) {
                design[r][j] = rows[e * d + j];
            }
            design[r][d] = 1;
        }
        double[][] grams = new double[FOLDS][];
        for (int f = 0; f < FOLDS; f++) {
            grams[f] = gram(design, start[f], start[f + 1], width);
        }
        float[][] targets = new float[FOLDS + 1][];
        targets[FOLDS] = new float[words * width];
        for (int f = 0; f < FOLDS && crossFitted; f++) {
            targets[f] = new float[words * width];
        }
        for (int e : members) {
            List<int[]> captions = pool.ids().get(e);
            Map<Integer, Integer> uses = new HashMap<>();
            for (int[] ids : captions) {
                IntStream.of(ids).distinct().filter(wordOf::containsKey).forEach(id -> uses.merge(id, 1, Integer::sum));
            }
            for (Map.Entry<Integer, Integer> u : uses.entrySet()) {
                double share = (double) u.getValue() / captions.size();
                int at = wordOf.get(u.getKey()) * width;
                for (float[] t : crossFitted ? new float[][] {targets[FOLDS], targets[foldOf[e]]} : new float[][] {targets[FOLDS]}) {
                    for (int j = 0; j < d; j++) {
                        t[at + j] += (float) (share * rows[e * d + j]);
                    }
                    t[at + d] += (float) share;
                }
            }
        }
        double[] total = new double[width * width];
        for (double[] g : grams) {
            for (int k = 0; k < total.length; k++) {
                total[k] += g[k];
            }
        }
        double[][] factors = new double[FOLDS + 1][];
        factors[FOLDS] = cholesky(total, null, width);
        if (crossFitted) {
            IntStream.range(0, FOLDS).parallel().forEach(f -> factors[f] = cholesky(total, grams[f], width));
        }
        return new WordMap(width, wordOf, function, targets, factors, foldOf);
    }

    /**
     * Σ xxᵀ over the design's rows {@code from} to {@code to} [(D+1)²]: a block of samples at a
     * time, small enough to stay in cache while every row of the result (in parallel) adds their
     * products.
     */
    private static double[] gram(float[][] design, int from, int to, int width) {
        float[] g = new float[width * width]; // float products vectorise twice as wide; the sums stay far above λ's scale
        for (int block = from; block < to; block += GRAM_BLOCK) {
            int first = block;
            int end = Math.min(to, block + GRAM_BLOCK);
            IntStream.range(0, width).parallel().forEach(i -> {
                int at = i * width;
                for (int r = first; r < end; r++) {
                    float[] x = design[r];
                    float xi = x[i];
                    if (xi == 0) {
                        continue;
                    }
                    for (int j = 0; j <= i; j++) {
                        g[at + j] += xi * x[j];
                    }
                }
            });
        }
        double[] out = new double[width * width];
        for (int i = 0; i < width; i++) {
            for (int j = 0; j <= i; j++) {
                out[i * width + j] = g[i * width + j];
                out[j * width + i] = g[i * width + j];
            }
        }
        return out;
    }

    /** Whether a token is a content word: not a stop word, and a word or a number rather than punctuation. */
    static boolean isContent(String token) {
        return !StopWords.contains(token) && token.chars().anyMatch(Character::isLetterOrDigit);
    }

    /**
     * Each image's fold: its item (images sharing a caption, chained) goes whole into one of
     * {@link #FOLDS}, the items dealt out in the order of their first image.
     */
    static int[] folds(ChoiceFit.Pool pool) {
        int n = pool.size();
        int[] parent = IntStream.range(0, n).toArray();
        Map<String, Integer> owner = new HashMap<>();
        for (int e = 0; e < n; e++) {
            for (List<String> caption : pool.tokens().get(e)) {
                Integer other = owner.putIfAbsent(String.join(" ", caption), e);
                if (other != null) {
                    parent[root(parent, e)] = root(parent, other);
                }
            }
        }
        Map<Integer, Integer> ordinal = new HashMap<>();
        int[] fold = new int[n];
        for (int e = 0; e < n; e++) {
            int item = ordinal.computeIfAbsent(root(parent, e), r -> ordinal.size());
            fold[e] = item % FOLDS;
        }
        return fold;
    }

    private static int root(int[] parent, int e) {
        while (parent[e] != e) {
            parent[e] = parent[parent[e]];
            e = parent[e];
        }
        return e;
    }

    /** The lower Cholesky factor of {@code gram} − {@code leftOut} + λI (row-major, [m²]; leftOut may be null). */
    static double[] cholesky(double[] gram, double[] leftOut, int m) {
        double[] a = new double[m * m];
        for (int k = 0; k < a.length; k++) {
            a[k] = gram[k] - (leftOut == null ? 0 : leftOut[k]);
        }
        for (int i = 0; i < m; i++) {
            a[i * m + i] += LAMBDA;
        }
        for (int j = 0; j < m; j++) {
            double s = a[j * m + j];
            for (int k = 0; k < j; k++) {
                s -= a[j * m + k] * a[j * m + k];
            }
            double diag = Math.sqrt(s); // positive: λ > 0 makes the matrix positive definite
            a[j * m + j] = diag;
            for (int i = j + 1; i < m; i++) {
                double t = a[i * m + j];
                for (int k = 0; k < j; k++) {
                    t -= a[i * m + k] * a[j * m + k];
                }
                a[i * m + j] = t / diag;
            }
        }
        return a;
    }

    /** z with L Lᵀ z = x, {@code l} the lower factor [m²]. */
    static double[] solve(double[] l, double[] x, int m) {
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            double s = x[i];
            for (int k = 0; k < i; k++) {
                s -= l[i * m + k] * y[k];
            }
            y[i] = s / l[i * m + i];
        }
        double[] z = new double[m];
        for (int i = m - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < m; k++) {
                s -= l[k * m + i] * z[k];
            }
            z[i] = s / l[i * m + i];
        }
        return z;
    }
}

package dev.kvcap.infer;

import dev.kvcap.data.SameItem;
import dev.kvcap.eval.CiderReward;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * A choice among the neighbours' captions fitted on the training images themselves (the fitted
 * choice of {@code --rerank} and {@code kvcap baseline --fit-choice}; docs/REAL-DATA.md, "A
 * fitted choice"). Minimum Bayes risk picks the hypothesis that agrees best with the weighted
 * candidates; it does not know which kinds of hypothesis turn out right. The training images can
 * tell: each sampled training image is captioned as a test image would be, from its nearest
 * <em>other</em> training images, and every hypothesis is scored against the image's own captions
 * (CIDEr-D). A linear score over the hypotheses' {@link ConsensusChoice#FEATURES features} is then
 * fitted to maximise the expected score of the softmax choice (gradient ascent, Adam), and the
 * hypothesis with the highest linear score is chosen.
 *
 * <p>A test image's item is never among the training images (the split is by item), so a training
 * image must not find its own item either: the other images of its item ({@link SameItem}: every
 * caption of one is a caption of the other, or one with one word more or fewer, "account" and
 * "account outline") are left out. Without that rule the training images learn to trust a
 * near-copy that test images never have.
 *
 * <p>Legend: N pool entries (training images), D descriptor width, S sampled images, H hypotheses
 * of an image, F features.
 */
public final class ChoiceFit {

    /** Training images sampled by default: on the real icons, 2,000 of 5,227 fit in under a minute on 2 cores. */
    public static final int IMAGES = 2_000;

    /**
     * Pairs of a hypothesis and a candidate compared at most while preparing the fit: captions
     * of many words have many spans, each compared with every candidate, so sampling stops early
     * on such sets. The real icons' 2,000 images take about 5·10⁷ (counted in bench/realdata/fitted/ranker.py's replay; 10.6–12.9 s on 2 cores); the synthetic
     * shapes' seven-word captions took 95 s for 2,000 images before the bound.
     */
    static final long PAIRS = 100_000_000L;

    private static final int CHUNK = 100; // images prepared in parallel between checks of the bound

    private static final int STEPS = 300;
    private static final double RATE = 0.05;
    private static final double L2 = 1e-3;
    private static final double START_GAIN = 3; // the start: minimum Bayes risk (gain only), on the standardised scale

    /**
     * The training images as the choice sees them.
     *
     * @param unitRows each entry's descriptor scaled to unit length, row after row [N·D]: cosines are dot products
     * @param width D
     * @param tokens per entry, its captions' words
     * @param ids per entry, the same as CIDEr-D ids of {@code cider}
     * @param cider CIDEr-D with one document per entry, in the same order
     */
    public record Pool(float[] unitRows, int width, List<List<List<String>>> tokens, List<List<int[]>> ids, CiderReward cider) {

        public int size() {
            return tokens.size();
        }
    }

    /**
     * The training images a choice is fitted on and chosen with, made on first use, and the words
     * they predict ({@link WordMap}): fitted once, by {@link #fit} where the choice is fitted in the
     * same process (its cross-fitted map's map of every image is the one {@link WordMap#of} fits).
     */
    static final class Source {
        private final Supplier<Pool> make;
        private Pool pool;
        private WordMap words;

        /** @param make builds the pool, once, on first use */
        Source(Supplier<Pool> make) {
            this.make = make;
        }

        synchronized Pool pool() {
            if (pool == null) {
                pool = make.get();
            }
            return pool;
        }

        /** The words the pool's images predict, fitted on all of them (0.4–0.6 s on 2 cores for 5,000 images) unless {@link #fit} did. */
        synchronized WordMap words() {
            if (words == null) {
                words = WordMap.of(pool());
            }
            return words;
        }

        /** {@link ChoiceFit#fit(Pool, int, double, boolean, int, long, BiConsumer)} on this pool, keeping its map to choose with. */
        Fitted fit(int neighbours, double power, boolean spans, int images, long seed, BiConsumer<Integer, Integer> progress) {
            WordMap crossFitted = WordMap.crossFitted(pool());
            synchronized (this) {
                words = crossFitted;
            }
            return ChoiceFit.fit(pool(), crossFitted, neighbours, power, spans, images, seed, PAIRS, progress);
        }
    }

    /**
     * One sampled image: its hypotheses' features [H][F], their CIDEr-D against its captions [H],
     * and how many candidates they were compared with (C).
     */
    record Example(double[][] features, double[] scores, int candidates) {}

    /**
     * What a fit found.
     *
     * @param weights one per {@link ConsensusChoice#FEATURES feature}, on the features' own scale;
     *     empty when fewer than two images had neighbours to choose from
     * @param images the training images it was fitted on (those with neighbours and at least two hypotheses)
     */
    public record Fitted(List<Double> weights, int images) {}

    private ChoiceFit() {}

    /** The hypothesis with the highest score Σ_f weights[f]·features[h][f]; the first on ties. */
    static int best(double[][] features, List<Double> weights) {
        int[] words = new int[features.length];
        Arrays.fill(words, 1);
        return best(features, weights, words);
    }

    /** {@link #best(double[][], List)} among the hypotheses of at least one word ({@code words} [H]), if any has one. */
    static int best(double[][] features, List<Double> weights, int[] words) {
        boolean anyWords = Arrays.stream(words).anyMatch(n -> n > 0);
        double[] scores = new double[features.length];
        for (int h = 0; h < features.length; h++) {
            if (anyWords && words[h] == 0) {
                scores[h] = Double.NEGATIVE_INFINITY;
                continue;
            }
            for (int f = 0; f < features[h].length; f++) {
                scores[h] += weights.get(f) * features[h][f];
            }
        }
        return ConsensusChoice.first(scores);
    }

    /**
     * Fits the weights on {@code images} training images of {@code pool} drawn with {@code seed}
     * (all of them when there are fewer; fewer when their hypotheses pass {@link #PAIRS}), each
     * choosing among its {@code neighbours} nearest other items' captions weighed by
     * cosine^{@code power}.
     *
     * @param progress told the images prepared so far and the most there will be, now and then
     */
    public static Fitted fit(Pool pool, int neighbours, double power, boolean spans, int images, long seed, BiConsumer<Integer, Integer> progress) {
        return fit(pool, WordMap.crossFitted(pool), neighbours, power, spans, images, seed, PAIRS, progress);
    }

    /**
     * {@link #fit(Pool, int, double, boolean, int, long, BiConsumer)} reading the words the images
     * predict from {@code words} (a {@link WordMap#crossFitted} map of {@code pool}, which the
     * caller keeps to choose with), with a bound of {@code most} compared pairs.
     */
    static Fitted fit(Pool pool, WordMap words, int neighbours, double power, boolean spans, int images, long seed, long most,
            BiConsumer<Integer, Integer> progress) {
        int[] sample = sample(pool.size(), images, seed);
        List<Example> usable = new ArrayList<>();
        long pairs = 0;
        int done = 0;
        while (done < sample.length && pairs < most) {
            int from = done;
            Example[] chunk = new Example[Math.min(CHUNK, sample.length - from)];
            IntStream.range(0, chunk.length).parallel().forEach(i -> chunk[i] = example(pool, sample[from + i], neighbours, power, spans, words));
            for (Example e : chunk) {
                if (e != null && e.scores().length > 1) {
                    usable.add(e);
                    pairs += (long) e.scores().length * e.candidates();
                }
            }
            done += chunk.length;
            progress.accept(done, sample.length);
        }
        return new Fitted(usable.size() < 2 ? List.of() : fit(usable), usable.size());
    }

    private static int[] sample(int n, int images, long seed) {
        List<Integer> all = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        java.util.Collections.shuffle(all, new Random(seed));
        return all.subList(0, Math.min(n, images)).stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * Entry {@code q} captioned from its nearest other items, the words its image predicts read
     * from {@code words} as its fold's map predicts them (a {@link WordMap#crossFitted} map; null:
     * no word features); null when no neighbour is left.
     */
    static Example example(Pool pool, int q, int neighbours, double power, boolean spans, WordMap words) {
        double[] cos = cosines(pool, q);
        List<List<String>> candidates = new ArrayList<>();
        List<int[]> ids = new ArrayList<>();
        List<List<Double>> owners = new ArrayList<>(); // per candidate, its owners' cosines
        Map<String, Integer> seen = new HashMap<>(); // a caption → its position among the candidates
        for (int e : neighbours(pool, q, neighbours, cos)) {
            for (int c = 0; c < pool.tokens().get(e).size(); c++) {
                List<String> t = pool.tokens().get(e).get(c);
                if (t.isEmpty()) {
                    continue;
                }
                Integer at = seen.putIfAbsent(String.join(" ", t), candidates.size());
                if (at == null) { // each caption once, weighing as all its owners together, as --rerank weighs
                    candidates.add(t);
                    ids.add(pool.ids().get(e).get(c));
                    owners.add(new ArrayList<>());
                    at = candidates.size() - 1;
                }
                owners.get(at).add(cos[e]);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        double[] weights = CaptionRerank.weights(
                new double[candidates.size()], owners.stream().map(CaptionRerank::doubles).toList(), 1, power);
        ConsensusChoice.Hypotheses h = ConsensusChoice.hypotheses(candidates, ids, spans);
        double[][] features = ConsensusChoice.features(h, weights, pool.cider().pairwise(h.ids(), h.candidates()), pool.cider(),
                words == null ? null : words.sharesOf(pool, q));
        double[] scores = new double[features.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = pool.cider().score(q, h.ids().get(i));
        }
        return new Example(features, scores, h.candidates());
    }

    /** Entry {@code q}'s cosine to every entry [N]. */
    static double[] cosines(Pool pool, int q) {
        int d = pool.width();
        float[] rows = pool.unitRows();
        double[] cos = new double[pool.size()];
        for (int e = 0; e < cos.length; e++) {
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += rows[q * d + j] * rows[e * d + j];
            }
            cos[e] = dot;
        }
        return cos;
    }

    /**
     * The {@code k} entries most similar to entry {@code q} by {@code cos}, most similar first,
     * leaving out {@code q} and every other entry of its item ({@link SameItem}: every caption of
     * one is a caption of the other, up to one word more or fewer).
     */
    static List<Integer> neighbours(Pool pool, int q, int k, double[] cos) {
        Integer[] order = IntStream.range(0, cos.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Double.compare(cos[b], cos[a]));
        List<String> own = texts(pool, q);
        List<Integer> out = new ArrayList<>();
        for (int r = 0; r < order.length && out.size() < k; r++) {
            int e = order[r];
            if (e != q && !SameItem.same(own, texts(pool, e))) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<String> texts(Pool pool, int e) {
        return pool.tokens().get(e).stream().map(t -> String.join(" ", t)).toList();
    }

    /**
     * Maximises the mean over examples of Σ_h softmax(θ·z_h)·score_h, z the features standardised
     * over all hypotheses, from θ = minimum Bayes risk; returns θ on the features' own scale.
     */
    static List<Double> fit(List<Example> examples) {
        int f = examples.get(0).features()[0].length;
        double[] mean = new double[f];
        double[] sd = new double[f];
        long count = 0;
        for (Example e : examples) {
            for (double[] x : e.features()) {
                for (int k = 0; k < f; k++) {
                    mean[k] += x[k];
                }
                count++;
            }
        }
        for (int k = 0; k < f; k++) {
            mean[k] /= count;
        }
        for (Example e : examples) {
            for (double[] x : e.features()) {
                for (int k = 0; k < f; k++) {
                    sd[k] += (x[k] - mean[k]) * (x[k] - mean[k]);
                }
            }
        }
        for (int k = 0; k < f; k++) {
            sd[k] = Math.sqrt(sd[k] / count) + 1e-9;
        }
        double[] theta = new double[f];
        theta[0] = START_GAIN;
        double[] m = new double[f];
        double[] v = new double[f];
        for (int step = 1; step <= STEPS; step++) {
            double[] grad = new double[f];
            for (Example e : examples) {
                double[][] x = e.features();
                double[] z = new double[x.length];
                double top = Double.NEGATIVE_INFINITY;
                for (int h = 0; h < x.length; h++) {
                    for (int k = 0; k < f; k++) {
                        z[h] += theta[k] * (x[h][k] - mean[k]) / sd[k];
                    }
                    top = Math.max(top, z[h]);
                }
                double total = 0;
                for (int h = 0; h < x.length; h++) {
                    z[h] = Math.exp(z[h] - top);
                    total += z[h];
                }
                double expected = 0;
                for (int h = 0; h < x.length; h++) {
                    z[h] /= total;
                    expected += z[h] * e.scores()[h];
                }
                for (int h = 0; h < x.length; h++) {
                    double pull = z[h] * (e.scores()[h] - expected);
                    for (int k = 0; k < f; k++) {
                        grad[k] += pull * (x[h][k] - mean[k]) / sd[k];
                    }
                }
            }
            for (int k = 0; k < f; k++) {
                double g = grad[k] / examples.size() - L2 * theta[k];
                m[k] = 0.9 * m[k] + 0.1 * g;
                v[k] = 0.999 * v[k] + 0.001 * g * g;
                double mHat = m[k] / (1 - Math.pow(0.9, step));
                double vHat = v[k] / (1 - Math.pow(0.999, step));
                theta[k] += RATE * mHat / (Math.sqrt(vHat) + 1e-8);
            }
        }
        List<Double> out = new ArrayList<>();
        for (int k = 0; k < f; k++) {
            out.add(theta[k] / sd[k]); // the mean only shifts every hypothesis alike
        }
        return out;
    }
}

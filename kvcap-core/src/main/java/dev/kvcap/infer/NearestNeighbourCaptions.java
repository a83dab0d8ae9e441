package dev.kvcap.infer;

import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.eval.CiderReward;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;

/**
 * The trivial floor every captioner must beat: caption an image with a caption of its nearest
 * training images in some feature space (raw pixels, or a trained encoder's global vector).
 *
 * <p>Of the captions of the {@code k} nearest training images, the one chosen is the consensus
 * caption: the one with the highest CIDEr-D against all the others (Devlin et al. 2015, "Exploring
 * Nearest Neighbor Approaches for Image Captioning"), document frequencies from the training
 * references. With {@code k = 1} it is the most central caption of the single nearest image (an
 * image with one caption gives that caption). Distances are squared Euclidean; ties go to the
 * earlier training image, so the result is deterministic.
 *
 * <p>With a similarity power P > 0 the consensus is weighted, as {@code --rerank} weighs its
 * candidates: each neighbour's captions weigh max(0, cos)^P, cos the cosine between the query's and
 * the neighbour's features, and the caption chosen has the highest weighted sum of CIDEr-D against
 * every caption of the neighbours, itself included, each as a single reference. A caption of a
 * much nearer image then wins unless farther ones agree against it (docs/REAL-DATA.md, "Weighing by
 * the neighbours' similarity").
 *
 * <p>Dimension legend: N training images, D feature width.
 */
public final class NearestNeighbourCaptions {

    private final float[][] features; // [N][D]
    private final List<List<String>> captions; // per training image, raw
    private final List<List<List<String>>> tokens; // per training image, its captions' words
    private final List<int[][]> ids; // per training image, its captions as word ids, one per word
    private final CiderReward cider;
    private final ChoiceFit.Source choices = new ChoiceFit.Source(this::pool); // the training images, for the fitted choice

    /**
     * @param features one vector per training image, all the same width
     * @param captions the training images' raw captions, in the same order (at least one each)
     */
    public NearestNeighbourCaptions(List<float[]> features, List<List<String>> captions) {
        if (features.isEmpty() || features.size() != captions.size()) {
            throw new IllegalArgumentException(
                    "need one feature vector per training image and at least one image ("
                            + features.size() + " vectors, " + captions.size() + " caption lists)");
        }
        this.features = features.toArray(new float[0][]);
        this.captions = List.copyOf(captions);
        Map<String, Integer> words = new HashMap<>();
        List<List<List<String>>> split = new ArrayList<>();
        List<int[][]> refs = new ArrayList<>(); // per training image, its captions as word ids
        for (List<String> image : captions) {
            if (image.isEmpty()) {
                throw new IllegalArgumentException("every training image needs at least one caption");
            }
            List<List<String>> imageTokens = image.stream().map(CaptionTokenizer::tokenize).toList();
            split.add(imageTokens);
            refs.add(imageTokens.stream()
                    .map(t -> t.stream().mapToInt(w -> words.computeIfAbsent(w, k -> words.size())).toArray())
                    .toArray(int[][]::new));
        }
        this.tokens = split;
        this.ids = refs;
        this.cider = new CiderReward(refs, Math.max(1, words.size()));
    }

    /** Number of training images. */
    public int size() {
        return features.length;
    }

    /** The indices of the {@code k} training images nearest to {@code query}, nearest first. */
    public int[] nearest(float[] query, int k) {
        int n = Math.min(k, features.length);
        int[] best = new int[n];
        double[] dist = new double[n];
        int filled = 0;
        for (int i = 0; i < features.length; i++) {
            double d = squaredDistance(query, features[i]);
            if (filled == n && d >= dist[n - 1]) {
                continue;
            }
            int at = filled < n ? filled++ : n - 1;
            while (at > 0 && dist[at - 1] > d) { // insertion keeps earlier images first on ties
                dist[at] = dist[at - 1];
                best[at] = best[at - 1];
                at--;
            }
            dist[at] = d;
            best[at] = i;
        }
        return best;
    }

    /** The consensus caption of the {@code k} nearest training images, for each query. */
    public List<String> caption(List<float[]> queries, int k) {
        return caption(queries, k, 0);
    }

    /**
     * The consensus caption of the {@code k} nearest training images, for each query, weighted by
     * similarity^{@code power} (0: the plain consensus).
     */
    public List<String> caption(List<float[]> queries, int k, double power) {
        return caption(queries, k, power, false);
    }

    /**
     * {@link #caption(List, int, double)}, and with {@code spans} the captions' spans compete too
     * ({@link ConsensusChoice}; then at power 0 every caption weighs alike, itself included).
     */
    public List<String> caption(List<float[]> queries, int k, double power, boolean spans) {
        return caption(queries, k, power, spans, List.of());
    }

    /**
     * {@link #caption(List, int, double, boolean)} choosing with {@code fitted} weights ({@link
     * #fitChoice}; empty: by minimum Bayes risk). A fitted choice takes each distinct caption once,
     * weighing as much as all the neighbours that give it, as {@code --rerank} does.
     */
    public List<String> caption(List<float[]> queries, int k, double power, boolean spans, List<Double> fitted) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (!(power >= 0) || Double.isInfinite(power)) {
            throw new IllegalArgumentException("the similarity power must be 0 or a positive number, got " + power);
        }
        String[] out = new String[queries.size()];
        IntStream.range(0, queries.size()).parallel().forEach(q -> {
            int[] near = nearest(queries.get(q), k);
            out[q] = power == 0 && !spans && fitted.isEmpty() ? consensus(near) : weightedConsensus(queries.get(q), near, power, spans, fitted);
        });
        return List.of(out);
    }

    /** Of the neighbours' captions, the one with the highest CIDEr-D against all the others. */
    String consensus(int[] near) {
        List<String> raw = new ArrayList<>();
        for (int i : near) {
            raw.addAll(captions.get(i));
        }
        return raw.get(cider.consensus(near));
    }

    /**
     * Of the neighbours' captions (and with {@code spans} their spans), the one with the highest
     * similarity-weighted CIDEr-D against all of them.
     */
    String weightedConsensus(float[] query, int[] near, double power, boolean spans, List<Double> fitted) {
        List<String> raw = new ArrayList<>();
        List<List<String>> candidates = new ArrayList<>();
        List<int[]> words = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        Map<List<String>, Integer> at = new HashMap<>(); // fitted: a caption → its position, each caption once
        for (int i : near) {
            double w = Math.pow(Math.max(cosine(query, features[i]), 1e-9), power); // all dissimilar: alike
            for (int c = 0; c < tokens.get(i).size(); c++) {
                if (!fitted.isEmpty()) { // weighing as all its owners together, as --rerank does
                    Integer first = at.putIfAbsent(tokens.get(i).get(c), candidates.size());
                    if (first != null) {
                        weights.set(first, weights.get(first) + w);
                        continue;
                    }
                }
                raw.add(captions.get(i).get(c));
                candidates.add(tokens.get(i).get(c));
                words.add(ids.get(i)[c]);
                weights.add(w);
            }
        }
        double[] w = weights.stream().mapToDouble(Double::doubleValue).toArray();
        WordMap.Shares shares = fitted.size() == ConsensusChoice.FEATURES.size() ? choices.words().shares(unit(query)) : null;
        ConsensusChoice.Choice best = ConsensusChoice.choose(candidates, words, w, cider, spans, fitted, shares); // the first on ties
        // a whole caption as written; a span as the tokenizer's lower-cased words
        return best.candidate() >= 0 ? raw.get(best.candidate()) : String.join(" ", best.tokens());
    }

    /**
     * Fits a choice among the neighbours' captions on these training images ({@link ChoiceFit}):
     * {@code images} of them (seeded), each choosing among its {@code k} nearest other items'
     * captions weighed by cosine^{@code power}.
     */
    public ChoiceFit.Fitted fitChoice(int k, double power, boolean spans, int images, long seed, BiConsumer<Integer, Integer> progress) {
        return choices.fit(k, power, spans, images, seed, progress);
    }

    /** The training images as the fitted choice sees them: features scaled to unit length. */
    private ChoiceFit.Pool pool() {
        int d = features[0].length;
        float[] rows = new float[features.length * d];
        for (int i = 0; i < features.length; i++) {
            System.arraycopy(unit(features[i]), 0, rows, i * d, d);
        }
        List<List<int[]>> idLists = ids.stream().map(List::of).toList();
        return new ChoiceFit.Pool(rows, d, tokens, idLists, cider);
    }

    /** {@code x} scaled to unit length (all zeros stays so). */
    private static float[] unit(float[] x) {
        double norm = 0;
        for (float v : x) {
            norm += (double) v * v;
        }
        double scale = norm == 0 ? 0 : 1 / Math.sqrt(norm);
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = (float) (x[j] * scale);
        }
        return out;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int j = 0; j < a.length; j++) {
            dot += (double) a[j] * b[j];
            na += (double) a[j] * a[j];
            nb += (double) b[j] * b[j];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private static double squaredDistance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "feature widths differ: " + a.length + " and " + b.length);
        }
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double d = a[j] - b[j];
            s += d * d;
        }
        return s;
    }
}

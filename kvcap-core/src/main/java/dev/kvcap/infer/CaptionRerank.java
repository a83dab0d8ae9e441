package dev.kvcap.infer;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.data.CellIndex;
import dev.kvcap.data.CiderWords;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.eval.CiderReward;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.SavedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Chooses an image's caption among candidates by minimum Bayes risk ({@code --rerank N};
 * docs/REAL-DATA.md, "Choosing among the neighbours' captions"). The candidates are the model's
 * own caption and the captions of the image's N nearest training images (the retrieval memory's
 * index keeps their text). Each candidate weighs exp(mean log-probability of its words and {@code
 * <end>} / T) · s^P ({@link RerankSettings}), s the cosine of the nearest neighbour whose caption
 * it is (the model's own caption takes the nearest neighbour's, so it counts as much as the
 * closest training image's); the chosen caption is the one with the highest weighted mean
 * CIDEr-D against all the candidates, each taken as a single reference (document frequencies from
 * the training captions), among the candidates and, unless turned off, their spans ({@link
 * ConsensusChoice}). A caption that many likely candidates of near neighbours agree with wins, so
 * a lone guess gives way to the words the image's nearest neighbours and the model share.
 *
 * <p>Legend: C candidates of one image, T their longest length in tokens (with {@code <end>}), V
 * the vocabulary.
 */
final class CaptionRerank {

    private final SavedModel saved;
    private final CiderWords words;
    private final CiderReward cider;

    /** @throws IllegalArgumentException when the model's index does not keep its training captions */
    CaptionRerank(SavedModel saved) {
        CellIndex index = saved.cells();
        if (!hasCandidates(saved)) {
            throw new IllegalArgumentException(index == null
                    ? "--rerank chooses among the nearest training images' captions, which only a model with a retrieval memory keeps (model.memoryCells > 0, the small preset's)"
                    : "--rerank needs the training captions in the model's " + CellIndex.FILE + ", which models trained before the option lack: retrain the model");
        }
        this.saved = saved;
        this.words = new CiderWords(saved.vocab());
        List<List<String>> docs = new ArrayList<>();
        for (int e = 0; e < index.size(); e++) {
            docs.add(index.texts(e));
        }
        this.cider = words.reward(docs);
    }

    /** Whether {@code saved} keeps its training images' captions (a retrieval memory's index, KCI3). */
    static boolean hasCandidates(SavedModel saved) {
        return saved.cells() != null && saved.cells().keepsTexts();
    }

    /**
     * The chosen caption of one image.
     *
     * @param ctx the image's encoding (batch of 1), with its cells
     * @param own the model's caption
     * @param neighbours indices of its nearest index entries, most similar first
     * @param similarities their cosines to the image
     * @param taught captions the memory bank holds for images near this one, with their cosines
     *     ({@link CellSearch#taughtCaptions}; empty without a bank): candidates like the training
     *     images' captions
     */
    String choose(
            ParameterStore ps, NDManager call, ImageContext ctx, String own, int[] neighbours, float[] similarities,
            Map<String, Float> taught, RerankSettings settings) {
        return choose(ps, call, ctx, own, neighbours, similarities, taught, List.of(settings)).get(0);
    }

    /**
     * {@link #choose(ParameterStore, NDManager, ImageContext, String, int[], float[], Map,
     * RerankSettings)} once per way of choosing, the candidates weighed once: the ways may differ
     * in spans and fitted weights only (the first way's neighbours, temperature and power count).
     *
     * <p>Where the memory bank offers captions ({@code taught} not empty), every way chooses by
     * agreement: the fitted weights learned from training images, which have no taught neighbours,
     * to avoid rare words, and a taught caption's words are rare by nature (a concept the training
     * captions never name). Fitted, teaching the movie family 1, 5 and 20 times named it in 5, 16
     * and 15 of its 25 held-out icons' captions instead of 10, 21 and 24 (docs/MEMORY-RETRIEVAL.md,
     * "Teaching a real concept").
     */
    List<String> choose(
            ParameterStore ps, NDManager call, ImageContext ctx, String own, int[] neighbours, float[] similarities,
            Map<String, Float> taught, List<RerankSettings> ways) {
        RerankSettings settings = ways.get(0);
        Map<String, List<String>> candidates = new LinkedHashMap<>(); // text → tokens, the model's first
        Map<String, Double> similarity = new LinkedHashMap<>(); // text → its nearest owner's cosine
        String ownText = String.join(" ", CaptionTokenizer.tokenize(own));
        candidates.put(ownText, CaptionTokenizer.tokenize(own));
        similarity.put(ownText, neighbours.length == 0 ? 1.0 : similarities[0]);
        for (int r = 0; r < neighbours.length; r++) {
            for (String text : saved.cells().texts(neighbours[r])) {
                candidates.putIfAbsent(text, Arrays.asList(text.split(" ")));
                similarity.putIfAbsent(text, (double) similarities[r]); // the nearest owner comes first
            }
        }
        for (Map.Entry<String, Float> t : taught.entrySet()) {
            candidates.putIfAbsent(t.getKey(), Arrays.asList(t.getKey().split(" ")));
            similarity.merge(t.getKey(), (double) t.getValue(), Math::max);
        }
        List<String> texts = new ArrayList<>(candidates.keySet());
        if (texts.size() == 1) {
            return ways.stream().map(w -> own).toList();
        }
        double[] weights = weights(
                meanLogProbabilities(ps, call, ctx, new ArrayList<>(candidates.values())),
                similarity.values().stream().mapToDouble(Double::doubleValue).toArray(),
                settings.temperature(),
                settings.similarityPower());
        List<List<String>> tokens = new ArrayList<>(candidates.values());
        List<int[]> ids = tokens.stream().map(words::ids).toList();
        List<String> out = new ArrayList<>();
        Map<Boolean, ConsensusChoice.Scored> scored = new HashMap<>(); // by spans: the hypotheses, once for every way
        for (RerankSettings way : ways) {
            ConsensusChoice.Choice best = scored
                    .computeIfAbsent(way.spans(), spans -> new ConsensusChoice.Scored(ConsensusChoice.hypotheses(tokens, ids, spans), weights, cider))
                    .choose(taught.isEmpty() ? way.fitted() : List.of());
            if (best.candidate() < 0) {
                out.add(String.join(" ", best.tokens())); // a span
            } else {
                out.add(best.candidate() == 0 ? own : texts.get(best.candidate()));
            }
        }
        return out;
    }

    /**
     * Fits a choice on the training images the index keeps ({@link ChoiceFit}): up to {@code
     * images} of them, each choosing among its {@code neighbours} nearest other items' captions,
     * weighed by cosine^{@code power} (the search's cosines).
     */
    ChoiceFit.Fitted fit(int neighbours, double power, boolean spans, int images, long seed, BiConsumer<Integer, Integer> progress) {
        CellIndex index = saved.cells();
        List<List<List<String>>> tokens = new ArrayList<>();
        List<List<int[]>> ids = new ArrayList<>();
        for (int e = 0; e < index.size(); e++) {
            List<List<String>> entry = index.texts(e).stream().map(CaptionTokenizer::tokenize).toList();
            tokens.add(entry);
            ids.add(entry.stream().map(words::ids).toList());
        }
        return ChoiceFit.fit(new ChoiceFit.Pool(index.unitRows(), index.descriptor().width(), tokens, ids, cider),
                neighbours, power, spans, images, seed, progress);
    }

    /**
     * exp(meanLogP / temperature) · max(similarity, 10⁻⁹)^power, normalised to sum 1 (computed in
     * logarithms from the largest, so it cannot overflow; a dissimilar candidate keeps a tiny
     * weight, so that all-dissimilar candidates still compare by probability).
     */
    static double[] weights(double[] meanLogP, double[] similarity, double temperature, double power) {
        double[] log = new double[meanLogP.length];
        for (int i = 0; i < log.length; i++) {
            log[i] = meanLogP[i] / temperature + (power == 0 ? 0 : power * Math.log(Math.max(similarity[i], 1e-9)));
        }
        double top = Arrays.stream(log).max().orElse(0);
        double[] w = new double[log.length];
        double total = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.exp(log[i] - top);
            total += w[i];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= total;
        }
        return w;
    }

    /**
     * Each candidate's mean log-probability per token (its words and {@code <end>}): teacher-forced,
     * each candidate as long as it is ({@link KvmCaptionModel#tokenLogProbabilities}).
     */
    private double[] meanLogProbabilities(ParameterStore ps, NDManager call, ImageContext ctx, List<List<String>> candidates) {
        Vocabulary vocab = saved.vocab();
        int maxLen = saved.config().data().maxCaptionLen();
        int c = candidates.size();
        int[][] inputs = new int[c][];
        int[][] targets = new int[c][];
        for (int i = 0; i < c; i++) {
            int[] encoded = vocab.encode(candidates.get(i), maxLen); // <start> words <end>
            inputs[i] = Arrays.copyOf(encoded, encoded.length - 1);
            targets[i] = Arrays.copyOfRange(encoded, 1, encoded.length);
        }
        float[][] logp = saved.model().tokenLogProbabilities(ps, ctx, new long[c], inputs, targets); // every row of ctx's one image
        double[] mean = new double[c];
        for (int i = 0; i < c; i++) {
            for (float p : logp[i]) {
                mean[i] += p;
            }
            mean[i] /= logp[i].length;
        }
        return mean;
    }
}

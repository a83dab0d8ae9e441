package dev.kvcap.infer;

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
 * <end>} / T) · Σ s^P ({@link RerankSettings}) over the neighbours whose caption it is, s a
 * neighbour's cosine (the model's own caption counts as one more neighbour at the nearest one's
 * cosine): a caption that several neighbours give weighs as much as all of them, as it would as
 * several candidates and as the training-free consensus counts it; the chosen caption is the one
 * with the highest weighted mean CIDEr-D against all the candidates, each taken as a single
 * reference (document frequencies from the training captions), among the candidates and, unless
 * turned off, their spans ({@link ConsensusChoice}). A caption that many likely candidates of near neighbours agree with wins, so
 * a lone guess gives way to the words the image's nearest neighbours and the model share.
 *
 * <p>Legend: C candidates of one image, T their longest length in tokens (with {@code <end>}), V
 * the vocabulary.
 */
final class CaptionRerank {

    private final SavedModel saved;
    private final CiderWords words;
    private final CiderReward cider;
    private final ChoiceFit.Source choices = new ChoiceFit.Source(this::pool); // the index's images, for the fitted choice

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
     * One image's candidates: the model's own caption first, then the distinct captions of its
     * nearest index entries and of {@code taught}, each with the cosines of the images whose caption
     * it is (its owners, nearest first; the model's caption counts as an owner at the nearest
     * neighbour's cosine, besides any neighbour that gives it too).
     *
     * @param texts the captions as text; {@code tokens} the same as words
     * @param taught whether the memory bank offered any of them
     * @param query the image's unit descriptor ({@link CellIndex#unitVector}), which a fitted choice
     *     reads the words the image predicts from ({@link WordMap})
     */
    record Candidates(String own, List<String> texts, List<List<String>> tokens, List<double[]> owners, boolean taught, float[] query) {}

    /**
     * {@link Candidates} of one image.
     *
     * @param own the model's caption
     * @param neighbours indices of its nearest index entries, most similar first
     * @param similarities their cosines to the image
     * @param taught captions the memory bank holds for images near this one, with their cosines
     *     ({@link CellSearch#taughtCaptions}; empty without a bank): candidates like the training
     *     images' captions
     * @param query the image's unit descriptor
     */
    Candidates candidates(String own, int[] neighbours, float[] similarities, Map<String, Float> taught, float[] query) {
        Map<String, List<String>> candidates = new LinkedHashMap<>(); // text → tokens, the model's first
        Map<String, List<Double>> owners = new LinkedHashMap<>(); // text → the cosines of the images it captions
        String ownText = String.join(" ", CaptionTokenizer.tokenize(own));
        candidates.put(ownText, CaptionTokenizer.tokenize(own));
        owners.computeIfAbsent(ownText, t -> new ArrayList<>()).add(neighbours.length == 0 ? 1.0 : similarities[0]);
        for (int r = 0; r < neighbours.length; r++) {
            for (String text : saved.cells().texts(neighbours[r])) {
                candidates.putIfAbsent(text, Arrays.asList(text.split(" ")));
                owners.computeIfAbsent(text, t -> new ArrayList<>()).add((double) similarities[r]);
            }
        }
        for (Map.Entry<String, Float> t : taught.entrySet()) {
            candidates.putIfAbsent(t.getKey(), Arrays.asList(t.getKey().split(" ")));
            owners.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add((double) t.getValue());
        }
        return new Candidates(own, new ArrayList<>(candidates.keySet()), new ArrayList<>(candidates.values()),
                owners.values().stream().map(CaptionRerank::doubles).toList(), !taught.isEmpty(), query);
    }

    /**
     * The chosen caption of {@code c} once per way, the model's mean log-probability of each
     * candidate given ({@link #meanLogProbabilities}). The candidates are weighed once: the ways may
     * differ in spans and fitted weights only (the first way's temperature and power count).
     *
     * <p>Where the memory bank offers captions ({@link Candidates#taught}), every way chooses by
     * agreement: the fitted weights learned from training images, which have no taught neighbours,
     * to avoid rare words, and a taught caption's words are rare by nature (a concept the training
     * captions never name). Fitted, teaching the movie family 1, 5 and 20 times named it in 5, 16
     * and 15 of its 25 held-out icons' captions instead of 10, 21 and 24 (docs/MEMORY-RETRIEVAL.md,
     * "Teaching a real concept").
     */
    List<String> choose(Candidates c, double[] meanLogP, List<RerankSettings> ways) {
        RerankSettings settings = ways.get(0);
        double[] weights = weights(meanLogP, c.owners(), settings.temperature(), settings.similarityPower());
        List<int[]> ids = c.tokens().stream().map(words::ids).toList();
        List<String> out = new ArrayList<>();
        Map<Boolean, ConsensusChoice.Scored> scored = new HashMap<>(); // by spans: the hypotheses, once for every way
        boolean readsWords = !c.taught() && ways.stream().anyMatch(w -> w.fitted().size() == ConsensusChoice.FEATURES.size());
        WordMap.Shares shares = readsWords ? choices.words().shares(c.query()) : null;
        for (RerankSettings way : ways) {
            ConsensusChoice.Choice best = scored
                    .computeIfAbsent(way.spans(), spans -> new ConsensusChoice.Scored(ConsensusChoice.hypotheses(c.tokens(), ids, spans), weights, cider, shares))
                    .choose(c.taught() ? List.of() : way.fitted());
            if (best.candidate() < 0) {
                out.add(String.join(" ", best.tokens())); // a span
            } else {
                out.add(best.candidate() == 0 ? c.own() : c.texts().get(best.candidate()));
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
        return choices.fit(neighbours, power, spans, images, seed, progress);
    }

    /** The index's images as the fitted choice sees them. */
    private ChoiceFit.Pool pool() {
        CellIndex index = saved.cells();
        List<List<List<String>>> tokens = new ArrayList<>();
        List<List<int[]>> ids = new ArrayList<>();
        for (int e = 0; e < index.size(); e++) {
            List<List<String>> entry = index.texts(e).stream().map(CaptionTokenizer::tokenize).toList();
            tokens.add(entry);
            ids.add(entry.stream().map(words::ids).toList());
        }
        return new ChoiceFit.Pool(index.unitRows(), index.descriptor().width(), tokens, ids, cider);
    }

    /**
     * exp(meanLogP / temperature) · Σ_owners max(cosine, 10⁻⁹)^power, normalised to sum 1: a
     * caption several neighbours give weighs as much as all of them, as it would as several
     * candidates (computed in logarithms from the largest, so it cannot overflow; a dissimilar
     * candidate keeps a tiny weight, so that all-dissimilar candidates still compare by probability).
     *
     * @param owners per candidate, the cosines of the images it captions (at least one)
     */
    static double[] weights(double[] meanLogP, List<double[]> owners, double temperature, double power) {
        double[] log = new double[meanLogP.length];
        for (int i = 0; i < log.length; i++) {
            double[] each = owners.get(i);
            double[] logs = new double[each.length];
            for (int o = 0; o < logs.length; o++) {
                logs[o] = power == 0 ? 0 : power * Math.log(Math.max(each[o], 1e-9));
            }
            log[i] = meanLogP[i] / temperature + logSumExp(logs);
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

    /** The values as an array (a candidate's owners' cosines, as {@link #weights} takes them). */
    static double[] doubles(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double logSumExp(double[] x) {
        double top = Arrays.stream(x).max().orElseThrow();
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - top);
        }
        return top + Math.log(sum);
    }

    /**
     * Each candidate's mean log-probability per token (its words and {@code <end>}), for several
     * images' candidates read together: teacher-forced, each as long as it is ({@link
     * KvmCaptionModel#tokenLogProbabilities}).
     *
     * @param image per entry of {@code each}, its image's row of {@code ctx}
     */
    List<double[]> meanLogProbabilities(ParameterStore ps, ImageContext ctx, long[] image, List<Candidates> each) {
        Vocabulary vocab = saved.vocab();
        int maxLen = saved.config().data().maxCaptionLen();
        int rows = each.stream().mapToInt(c -> c.tokens().size()).sum();
        int[][] inputs = new int[rows][];
        int[][] targets = new int[rows][];
        long[] rowImage = new long[rows];
        int r = 0;
        for (int k = 0; k < each.size(); k++) {
            for (List<String> candidate : each.get(k).tokens()) {
                int[] encoded = vocab.encode(candidate, maxLen); // <start> words <end>
                inputs[r] = Arrays.copyOf(encoded, encoded.length - 1);
                targets[r] = Arrays.copyOfRange(encoded, 1, encoded.length);
                rowImage[r++] = image[k];
            }
        }
        float[][] logp = saved.model().tokenLogProbabilities(ps, ctx, rowImage, inputs, targets);
        List<double[]> out = new ArrayList<>();
        r = 0;
        for (Candidates c : each) {
            double[] mean = new double[c.tokens().size()];
            for (int i = 0; i < mean.length; i++, r++) {
                for (float p : logp[r]) {
                    mean[i] += p;
                }
                mean[i] /= logp[r].length;
            }
            out.add(mean);
        }
        return out;
    }
}

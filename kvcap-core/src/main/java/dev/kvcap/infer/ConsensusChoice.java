package dev.kvcap.infer;

import dev.kvcap.eval.CiderReward;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Minimum Bayes risk among captions (what {@code --rerank} and the weighted nearest-neighbour
 * floor choose with): of the hypotheses, the one with the highest weighted CIDEr-D against the
 * weighted candidates, each candidate taken as a single reference.
 *
 * <p>The hypotheses are the candidates themselves and, with {@code spans}, every shorter run of
 * consecutive words of a candidate that neither starts nor ends with a {@link #FUNCTION_WORDS
 * function word} or a clitic ("'s", "n't"). A span says what the candidates have in common
 * without the words where they differ: among many candidates like "clipboard check outline",
 * "clipboard text" and "clipboard alert", "clipboard" agrees with them better than any one of
 * them does (with only these three, each whole caption's agreement with itself still wins). On the real icons' validation split, spans
 * raised the training-free weighted consensus of 16 neighbours from 0.41 to 0.47–0.48 CIDEr-D
 * (docs/REAL-DATA.md, "Spans of the candidates"); spans are only chosen where they win, so a set
 * whose whole captions agree keeps them.
 *
 * <p>Legend: C candidates, H hypotheses (C, then the spans).
 */
final class ConsensusChoice {

    /**
     * English words a span may not start or end with, so that a span reads as a phrase ("flag of
     * republic", never "the flag of").
     */
    static final Set<String> FUNCTION_WORDS =
            Set.of("a", "an", "the", "of", "and", "or", "in", "on", "at", "by", "for", "to", "with");

    /**
     * What was chosen.
     *
     * @param candidate the chosen candidate's position, or -1 when a span won
     * @param tokens the chosen words
     */
    record Choice(int candidate, List<String> tokens) {}

    private ConsensusChoice() {}

    /**
     * The hypotheses: the candidates, then (with spans) their spans, each once.
     *
     * @param tokens each hypothesis's words [H]
     * @param ids the same as CIDEr-D ids [H]
     * @param candidates C: the first C hypotheses are the candidates
     */
    record Hypotheses(List<List<String>> tokens, List<int[]> ids, int candidates) {}

    /**
     * @param candidates each candidate's words [C]
     * @param ids the same words as CIDEr-D ids, one id per word [C]
     * @param weights each candidate's weight as a reference [C]
     * @param spans whether spans of the candidates are hypotheses too
     */
    static Choice choose(List<List<String>> candidates, List<int[]> ids, double[] weights, CiderReward cider, boolean spans) {
        return choose(candidates, ids, weights, cider, spans, List.of(), null);
    }

    /**
     * {@link #choose(List, List, double[], CiderReward, boolean)}, and with {@code fitted} weights
     * (one per {@link #FEATURES feature}, or the {@link #FEATURES_BEFORE_WORDS} of an earlier fit;
     * empty: none) the hypothesis with the highest fitted score instead of the highest expected
     * agreement ({@link ChoiceFit}); {@code shares} are the words the image predicts ({@link
     * WordMap}), which weights with the {@link #WORD_FEATURES} read (null where none do).
     */
    static Choice choose(List<List<String>> candidates, List<int[]> ids, double[] weights, CiderReward cider, boolean spans,
            List<Double> fitted, WordMap.Shares shares) {
        return new Scored(hypotheses(candidates, ids, spans), weights, cider, shares).choose(fitted);
    }

    /**
     * One image's hypotheses and how each agrees with each candidate, made once for every way of
     * choosing among them (the closing choice of {@code train} tries several).
     */
    static final class Scored {
        private final Hypotheses h;
        private final double[] weights;
        private final CiderReward cider;
        private final double[][] agree;
        private final WordMap.Shares shares;
        private final double[][][] features = new double[2][][]; // without and with the word features, made on first use

        /**
         * @param weights each candidate's weight as a reference [C], copied
         * @param shares the words the image predicts ({@link WordMap}); null where no fitted
         *     weights read them (those fitted before the {@link #WORD_FEATURES})
         */
        Scored(Hypotheses h, double[] weights, CiderReward cider, WordMap.Shares shares) {
            this.h = h;
            this.weights = weights.clone();
            this.cider = cider;
            this.agree = cider.pairwise(h.ids(), h.candidates());
            this.shares = shares;
        }

        /**
         * By minimum Bayes risk, or with {@code fitted} weights when there are any (never an empty
         * hypothesis then, unless every one is: it contains nothing and so looks covered and safe).
         */
        Choice choose(List<Double> fitted) {
            int best;
            if (fitted.isEmpty()) {
                best = minimumRisk(weights, agree);
            } else {
                boolean words = fitted.size() == FEATURES.size();
                if (words && shares == null) {
                    throw new IllegalStateException("weights fitted with the word features need the words the image predicts");
                }
                int k = words ? 1 : 0;
                if (features[k] == null) {
                    features[k] = features(h, weights, agree, cider, words ? shares : null);
                }
                best = ChoiceFit.best(features[k], fitted, h.ids().stream().mapToInt(ids -> ids.length).toArray());
            }
            return new Choice(best < h.candidates() ? best : -1, List.copyOf(h.tokens().get(best)));
        }
    }

    static Hypotheses hypotheses(List<List<String>> candidates, List<int[]> ids, boolean spans) {
        List<List<String>> hypotheses = new ArrayList<>(candidates);
        List<int[]> hypothesisIds = new ArrayList<>(ids);
        if (spans) {
            Set<List<String>> seen = new HashSet<>(candidates);
            for (int c = 0; c < candidates.size(); c++) {
                List<String> words = candidates.get(c);
                for (int from = 0; from < words.size(); from++) {
                    if (!canBound(words.get(from))) {
                        continue;
                    }
                    for (int to = from + 1; to <= words.size(); to++) {
                        List<String> span = words.subList(from, to);
                        if (canBound(words.get(to - 1)) && seen.add(span)) {
                            hypotheses.add(span);
                            hypothesisIds.add(Arrays.copyOfRange(ids.get(c), from, to));
                        }
                    }
                }
            }
        }
        return new Hypotheses(hypotheses, hypothesisIds, candidates.size());
    }

    /**
     * What the fitted choice knows of each hypothesis beyond its expected agreement: its length,
     * whether it is a whole candidate, how much of the candidates' weight contains it word for word,
     * and how rare its words are in the training captions (inverse document frequency). On the real
     * icons a fitted choice learned to avoid rare words, which name items a test image seldom is
     * (docs/REAL-DATA.md, "A fitted choice").
     */
    static final List<String> FEATURES = List.of(
            "gain", "log gain", "one word", "two words", "three words", "four or more words", "whole candidate",
            "coverage", "mean idf", "least idf", "most idf", "mean word share", "least word share", "most word share");

    /**
     * The last features: the mean, least and most share of the image's captions that the {@link
     * WordMap} predicts to use each content word of the hypothesis (0 for each when it has none). A
     * choice fitted before them (models trained before 2026-12-07) has the other {@link
     * #FEATURES_BEFORE_WORDS} weights and is still read.
     */
    static final int WORD_FEATURES = 3;

    /** How many weights a choice fitted before the {@link #WORD_FEATURES} has. */
    static final int FEATURES_BEFORE_WORDS = FEATURES.size() - WORD_FEATURES;

    /**
     * Each hypothesis's {@link #FEATURES} [H][F] (without the {@link #WORD_FEATURES} when {@code
     * shares} is null); {@code agree} as {@link #minimumRisk} takes it, the weights in any scale
     * (they are taken as shares of their sum).
     */
    static double[][] features(Hypotheses h, double[] rawWeights, double[][] agree, CiderReward cider, WordMap.Shares shares) {
        double total = Arrays.stream(rawWeights).sum();
        double[] weights = Arrays.stream(rawWeights).map(w -> total > 0 ? w / total : 1.0 / rawWeights.length).toArray();
        double[] gains = gains(weights, agree);
        double[][] out = new double[h.tokens().size()][];
        for (int i = 0; i < out.length; i++) {
            double gain = gains[i];
            int[] ids = h.ids().get(i);
            int n = ids.length;
            double coverage = 0;
            for (int j = 0; j < h.candidates(); j++) {
                if (contains(h.ids().get(j), ids)) {
                    coverage += weights[j];
                }
            }
            double sum = 0;
            double least = Double.POSITIVE_INFINITY;
            double most = n == 0 ? 0 : Double.NEGATIVE_INFINITY;
            for (int id : ids) {
                double idf = cider.idf(id);
                sum += idf;
                least = Math.min(least, idf);
                most = Math.max(most, idf);
            }
            double[] known = {
                gain, Math.log(Math.max(gain, 0) + 1e-3), n == 1 ? 1 : 0, n == 2 ? 1 : 0, n == 3 ? 1 : 0, n >= 4 ? 1 : 0,
                i < h.candidates() ? 1 : 0, coverage, n == 0 ? 0 : sum / n, n == 0 ? 0 : least, most
            };
            out[i] = shares == null ? known : withWordShares(known, ids, shares);
        }
        return out;
    }

    /** {@code known} followed by the mean, least and most predicted share of the content words among {@code ids}. */
    private static double[] withWordShares(double[] known, int[] ids, WordMap.Shares shares) {
        double sum = 0;
        double least = Double.POSITIVE_INFINITY;
        double most = Double.NEGATIVE_INFINITY;
        int content = 0;
        for (int id : ids) {
            double share = shares.share(id);
            if (!Double.isNaN(share)) {
                sum += share;
                least = Math.min(least, share);
                most = Math.max(most, share);
                content++;
            }
        }
        double[] out = Arrays.copyOf(known, known.length + WORD_FEATURES);
        if (content > 0) {
            out[known.length] = sum / content;
            out[known.length + 1] = least;
            out[known.length + 2] = most;
        }
        return out;
    }

    /** Whether {@code part} occurs in {@code whole} as consecutive words. */
    private static boolean contains(int[] whole, int[] part) {
        for (int from = 0; from + part.length <= whole.length; from++) {
            if (Arrays.equals(whole, from, from + part.length, part, 0, part.length)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a span may start or end with {@code word}: not a function word, not a clitic. */
    private static boolean canBound(String word) {
        return !FUNCTION_WORDS.contains(word) && !word.startsWith("'") && !word.equals("n't");
    }

    /**
     * The hypothesis with the highest expected agreement, Σ_j weights[j]·agree[i][j]; the first on
     * ties (so a candidate before any span).
     *
     * @param agree [i][j]: how well hypothesis i agrees with candidate j as its reference
     */
    static int minimumRisk(double[] weights, double[][] agree) {
        return first(gains(weights, agree));
    }

    /** Each hypothesis's expected agreement Σ_j weights[j]·agree[i][j] [H]. */
    static double[] gains(double[] weights, double[][] agree) {
        double[] gains = new double[agree.length];
        for (int i = 0; i < agree.length; i++) {
            for (int j = 0; j < weights.length; j++) {
                gains[i] += weights[j] * agree[i][j];
            }
        }
        return gains;
    }

    /** The position of the highest score; the first on ties (and 0 when none is above −∞). */
    static int first(double[] scores) {
        int best = 0;
        double top = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > top) {
                top = scores[i];
                best = i;
            }
        }
        return best;
    }
}

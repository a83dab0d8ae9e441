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
     * @param candidates each candidate's words [C]
     * @param ids the same words as CIDEr-D ids, one id per word [C]
     * @param weights each candidate's weight as a reference [C]
     * @param spans whether spans of the candidates are hypotheses too
     */
    static Choice choose(List<List<String>> candidates, List<int[]> ids, double[] weights, CiderReward cider, boolean spans) {
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
        int best = minimumRisk(weights, cider.pairwise(hypothesisIds, candidates.size()));
        return new Choice(best < candidates.size() ? best : -1, List.copyOf(hypotheses.get(best)));
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
        int best = 0;
        double bestGain = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < agree.length; i++) {
            double gain = 0;
            for (int j = 0; j < weights.length; j++) {
                gain += weights[j] * agree[i][j];
            }
            if (gain > bestGain) {
                bestGain = gain;
                best = i;
            }
        }
        return best;
    }
}

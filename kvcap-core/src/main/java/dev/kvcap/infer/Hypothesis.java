package dev.kvcap.infer;

import java.util.List;

/**
 * One generated caption.
 *
 * @param wordIds generated word ids, without {@code <start>} and {@code <end>}
 * @param wordLogProbs log-probability of each generated word (and last, of {@code <end>} when the
 *     caption ended by itself)
 * @param logProb sum of {@code wordLogProbs}
 * @param score the ranking score: logProb / length^lengthPenalty
 * @param finished whether it ended with {@code <end>} (false: cut at the maximum length)
 * @param attention per generated word, its heat-map (row-major M×M, sums to 1), or empty when not
 *     recorded
 */
public record Hypothesis(
        List<Integer> wordIds,
        List<Float> wordLogProbs,
        double logProb,
        double score,
        boolean finished,
        List<float[]> attention) {}

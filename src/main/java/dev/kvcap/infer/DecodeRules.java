package dev.kvcap.infer;

import dev.kvcap.config.DecodeConfig;
import java.util.List;

/**
 * The constraints both greedy and beam search apply to a step's log-probabilities: no {@code
 * <end>} before the minimum length, never {@code <pad>}/{@code <start>}, and optionally no word
 * that would repeat a trigram.
 */
final class DecodeRules {

    static final float BLOCKED = Float.NEGATIVE_INFINITY;

    private final DecodeConfig config;
    private final int padId;
    private final int startId;
    private final int endId;

    DecodeRules(DecodeConfig config, int padId, int startId, int endId) {
        this.config = config;
        this.padId = padId;
        this.startId = startId;
        this.endId = endId;
    }

    /** Masks {@code logProbs} (one row of V) in place for a caption that already has {@code words}. */
    void apply(float[] logProbs, List<Integer> words) {
        logProbs[padId] = BLOCKED;
        logProbs[startId] = BLOCKED;
        if (words.size() < config.minLen()) {
            logProbs[endId] = BLOCKED;
        }
        int n = words.size();
        if (config.noRepeatTrigram() && n >= 2) {
            int a = words.get(n - 2);
            int b = words.get(n - 1);
            for (int i = 0; i + 2 < n; i++) {
                if (words.get(i) == a && words.get(i + 1) == b) {
                    logProbs[words.get(i + 2)] = BLOCKED;
                }
            }
        }
    }

    double score(double logProb, int length) {
        if (config.lengthPenalty() == 0f) {
            return logProb;
        }
        return logProb / Math.pow(Math.max(1, length), config.lengthPenalty());
    }

    int endId() {
        return endId;
    }
}

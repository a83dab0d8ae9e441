package dev.kvcap.infer;

import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.Vocabulary;
import java.util.List;

/**
 * The constraints both greedy and beam search apply to a step's log-probabilities: no {@code
 * <end>} before the minimum length, never {@code <pad>}, {@code <start>} or {@code <unk>}, and
 * optionally no word that would repeat a trigram.
 *
 * <p>Why never {@code <unk>}: it stands for every rare word at once, so on small or varied data it
 * is often the single most likely token, and a search allowed to pick it answers {@code <unk>} for
 * most images (the collapse measured in docs/REAL-DATA.md). It is a training target, not a word.
 */
final class DecodeRules {

    static final float BLOCKED = Float.NEGATIVE_INFINITY;

    private final DecodeConfig config;

    DecodeRules(DecodeConfig config) {
        this.config = config;
    }

    /** Masks {@code logProbs} (one row of V) in place for a caption that already has {@code words}. */
    void apply(float[] logProbs, List<Integer> words) {
        logProbs[Vocabulary.PAD_ID] = BLOCKED;
        logProbs[Vocabulary.START_ID] = BLOCKED;
        logProbs[Vocabulary.UNK_ID] = BLOCKED;
        if (words.size() < config.minLen()) {
            logProbs[Vocabulary.END_ID] = BLOCKED;
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

}

package dev.kvcap.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Caption generation settings, shared by validation, {@code evaluate}, {@code caption} and {@code
 * serve}.
 *
 * @param beamSize 1 = greedy
 * @param maxLen most words generated before stopping without {@code <end>}
 * @param minLen {@code <end>} is forbidden before this many words
 * @param lengthPenalty beams are ranked by logP / len^lengthPenalty (0 = raw log-probability)
 * @param noRepeatTrigram forbid a word that would repeat a trigram already in the caption
 * @param rerank what {@code caption} and {@code evaluate} do without {@code --rerank}: choose each
 *     caption among the model's own and the captions of this many nearest training images (0 =
 *     the model's own caption). Set at the end of {@code train} when choosing so scores better
 *     on the validation images ({@link TrainConfig#rerankChoice}); validation during training
 *     uses the model's own caption
 * @param rerankWeights how that choice is made: empty, by minimum Bayes risk; otherwise the
 *     weights of a choice fitted on the training images, one per feature of a hypothesis ({@link
 *     #RERANK_FEATURES}), set by {@code train} where they choose better on the validation images
 *     (docs/REAL-DATA.md, "A fitted choice")
 */
public record DecodeConfig(
        int beamSize, int maxLen, int minLen, float lengthPenalty, boolean noRepeatTrigram, int rerank, List<Double> rerankWeights) {

    /** How many weights a fitted choice has: one per feature of a hypothesis. */
    public static final int RERANK_FEATURES = 14;

    /**
     * How many a choice fitted before the words the image predicts had (models trained before
     * 2026-12-07), still read: the same features without the last three.
     */
    public static final int RERANK_FEATURES_BEFORE_WORDS = 11;

    public DecodeConfig {
        // a config saved before the option: none; a null weight reaches validate(), which names it
        rerankWeights = rerankWeights == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(rerankWeights));
    }

    /** The model's own caption, no choosing among its neighbours' ({@code rerank} 0). */
    public DecodeConfig(int beamSize, int maxLen, int minLen, float lengthPenalty, boolean noRepeatTrigram) {
        this(beamSize, maxLen, minLen, lengthPenalty, noRepeatTrigram, 0, List.of());
    }

    /** The widest beam: wider ones search for minutes and exhaust memory without better captions. */
    public static final int MAX_BEAM = 100;

    /**
     * The most neighbours whose captions compete ({@code --rerank}): each adds about three
     * candidates to one teacher-forced batch, so memory grows with it (the default 32 adds about 100).
     */
    public static final int MAX_RERANK = 256;

    /** The longest caption searched for: far beyond any caption, and a minimum length this long already takes minutes. */
    public static final int MAX_LEN = 1000;

    public DecodeConfig validate() {
        ModelConfig.requireOption(beamSize >= 1 && beamSize <= MAX_BEAM,
                "decode.beamSize (--beam) must be between 1 and " + MAX_BEAM + ", got " + beamSize);
        ModelConfig.requireOption(maxLen >= 1 && maxLen <= MAX_LEN,
                "decode.maxLen (--max-len) must be between 1 and " + MAX_LEN + ", got " + maxLen);
        ModelConfig.requireOption(minLen >= 0 && minLen <= maxLen,
                "decode.minLen (--min-len) must be between 0 and decode.maxLen (--max-len, here " + maxLen + "), got " + minLen);
        ModelConfig.requireOption(lengthPenalty >= 0 && Float.isFinite(lengthPenalty),
                "decode.lengthPenalty (--length-penalty) must be a number, 0 or more, got " + lengthPenalty);
        ModelConfig.requireOption(rerank >= 0 && rerank <= MAX_RERANK,
                "decode.rerank (--rerank) must be between 0 (the model's own caption) and " + MAX_RERANK + ", got " + rerank);
        ModelConfig.require((rerankWeights.isEmpty() || rerankWeights.size() == RERANK_FEATURES || rerankWeights.size() == RERANK_FEATURES_BEFORE_WORDS)
                        && rerankWeights.stream().allMatch(w -> w != null && Double.isFinite(w)),
                "decode.rerankWeights must be empty (choose by agreement) or " + RERANK_FEATURES + " numbers (what train fitted; "
                        + RERANK_FEATURES_BEFORE_WORDS + " before 2026-12-07), got " + rerankWeights);
        return this;
    }

    public DecodeConfig withBeamSize(int beam) {
        return new DecodeConfig(beam, maxLen, minLen, lengthPenalty, noRepeatTrigram, rerank, rerankWeights);
    }

    public DecodeConfig withMaxLen(int len) {
        return new DecodeConfig(beamSize, len, Math.min(minLen, len), lengthPenalty, noRepeatTrigram, rerank, rerankWeights);
    }

    public DecodeConfig withRerank(int neighbours) {
        return new DecodeConfig(beamSize, maxLen, minLen, lengthPenalty, noRepeatTrigram, neighbours, rerankWeights);
    }

    /** With a fitted choice's weights (empty: choose by agreement). */
    public DecodeConfig withRerankWeights(List<Double> weights) {
        return new DecodeConfig(beamSize, maxLen, minLen, lengthPenalty, noRepeatTrigram, rerank, weights);
    }
}

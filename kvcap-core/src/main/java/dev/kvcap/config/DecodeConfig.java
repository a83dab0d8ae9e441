package dev.kvcap.config;

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
 *     and {@code serve} use the model's own caption
 */
public record DecodeConfig(
        int beamSize, int maxLen, int minLen, float lengthPenalty, boolean noRepeatTrigram, int rerank) {

    /** The model's own caption, no choosing among its neighbours' ({@code rerank} 0). */
    public DecodeConfig(int beamSize, int maxLen, int minLen, float lengthPenalty, boolean noRepeatTrigram) {
        this(beamSize, maxLen, minLen, lengthPenalty, noRepeatTrigram, 0);
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
        ModelConfig.require(beamSize >= 1 && beamSize <= MAX_BEAM,
                "decode.beamSize (--beam) must be between 1 and " + MAX_BEAM + ", got " + beamSize);
        ModelConfig.require(maxLen >= 1 && maxLen <= MAX_LEN,
                "decode.maxLen (--max-len) must be between 1 and " + MAX_LEN + ", got " + maxLen);
        ModelConfig.require(minLen >= 0 && minLen <= maxLen,
                "decode.minLen (--min-len) must be between 0 and decode.maxLen (--max-len, here " + maxLen + "), got " + minLen);
        ModelConfig.require(lengthPenalty >= 0 && Float.isFinite(lengthPenalty),
                "decode.lengthPenalty (--length-penalty) must be a number, 0 or more, got " + lengthPenalty);
        ModelConfig.require(rerank >= 0 && rerank <= MAX_RERANK,
                "decode.rerank (--rerank) must be between 0 (the model's own caption) and " + MAX_RERANK + ", got " + rerank);
        return this;
    }

    public DecodeConfig withBeamSize(int beam) {
        return new DecodeConfig(beam, maxLen, minLen, lengthPenalty, noRepeatTrigram, rerank);
    }

    public DecodeConfig withMaxLen(int len) {
        return new DecodeConfig(beamSize, len, Math.min(minLen, len), lengthPenalty, noRepeatTrigram, rerank);
    }

    public DecodeConfig withRerank(int neighbours) {
        return new DecodeConfig(beamSize, maxLen, minLen, lengthPenalty, noRepeatTrigram, neighbours);
    }
}

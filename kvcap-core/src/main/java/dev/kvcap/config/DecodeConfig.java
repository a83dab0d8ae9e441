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
 */
public record DecodeConfig(
        int beamSize, int maxLen, int minLen, float lengthPenalty, boolean noRepeatTrigram) {

    public DecodeConfig validate() {
        ModelConfig.require(beamSize >= 1, "decode.beamSize must be at least 1");
        ModelConfig.require(maxLen >= 1, "decode.maxLen must be at least 1");
        ModelConfig.require(minLen >= 0 && minLen <= maxLen, "decode.minLen must be in [0, maxLen]");
        ModelConfig.require(lengthPenalty >= 0, "decode.lengthPenalty must not be negative");
        return this;
    }

    public DecodeConfig withBeamSize(int beam) {
        return new DecodeConfig(beam, maxLen, minLen, lengthPenalty, noRepeatTrigram);
    }

    public DecodeConfig withMaxLen(int len) {
        return new DecodeConfig(beamSize, len, Math.min(minLen, len), lengthPenalty, noRepeatTrigram);
    }
}

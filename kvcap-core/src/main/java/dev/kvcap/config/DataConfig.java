package dev.kvcap.config;

/**
 * How captions and images become training examples.
 *
 * @param minWordCount words seen fewer times in the training captions become {@code <unk>}; 5 is
 *     the usual MSCOCO choice, lower for small sets
 * @param maxCaptionLen captions are cut to this many words (before {@code <end>}); 16 covers 95%
 *     of MSCOCO captions
 * @param augmentShift random translation in pixels applied to training images (0 = off); no flips,
 *     because captions say "left of"
 * @param cacheMemoryMb decoded images are cached in memory up to this budget, then on disk
 */
public record DataConfig(int minWordCount, int maxCaptionLen, int augmentShift, int cacheMemoryMb) {

    public DataConfig validate() {
        ModelConfig.require(minWordCount >= 1, "data.minWordCount must be at least 1");
        ModelConfig.require(maxCaptionLen >= 1, "data.maxCaptionLen must be at least 1");
        ModelConfig.require(augmentShift >= 0, "data.augmentShift must not be negative");
        ModelConfig.require(cacheMemoryMb >= 0, "data.cacheMemoryMb must not be negative");
        return this;
    }
}

package dev.kvcap.train;

import dev.kvcap.config.TrainConfig;

/** Linear warm-up to the peak rate, then step decay by epoch. */
public final class LearningRate {

    private LearningRate() {}

    /** The rate for global step {@code step} (0-based) in epoch {@code epoch} (0-based). */
    public static float at(TrainConfig c, long step, int epoch) {
        float warm = c.warmupSteps() == 0 ? 1f : Math.min(1f, (step + 1) / (float) c.warmupSteps());
        return c.learningRate() * warm * (float) Math.pow(c.decayFactor(), epoch / c.decayEvery());
    }
}

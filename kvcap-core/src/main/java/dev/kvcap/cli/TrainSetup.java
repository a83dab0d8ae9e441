package dev.kvcap.cli;

import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.TrainConfig;

/** Applies the command-line overrides (--epochs, --batch, --image-size, --seed) to a config. */
final class TrainSetup {

    private TrainSetup() {}

    static KvcapConfig overrides(KvcapConfig c, Integer epochs, Integer batch, Integer imageSize, Long seed) {
        TrainConfig t = c.train();
        if (epochs != null) {
            t = t.withEpochs(epochs);
            c = c.withScst(c.scst().withEpochs(epochs)); // --epochs counts the phase that runs
        }
        if (batch != null) {
            t = t.withBatchSize(batch);
        }
        if (seed != null) {
            t = t.withSeed(seed);
        }
        c = c.withTrain(t);
        if (imageSize != null) {
            c = c.withModel(c.model().withImageSize(imageSize));
        }
        return c.validate();
    }
}

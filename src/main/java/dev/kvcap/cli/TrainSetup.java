package dev.kvcap.cli;

import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.ModelConfig;
import dev.kvcap.config.TrainConfig;

/** Applies the command-line overrides (--epochs, --batch, --image-size, --seed) to a config. */
final class TrainSetup {

    private TrainSetup() {}

    static KvcapConfig overrides(KvcapConfig c, Integer epochs, Integer batch, Integer imageSize, Long seed) {
        TrainConfig t = c.train();
        t = new TrainConfig(
                epochs != null ? epochs : t.epochs(),
                batch != null ? batch : t.batchSize(),
                t.learningRate(), t.warmupSteps(), t.decayEvery(), t.decayFactor(), t.gradClip(),
                t.weightDecay(), t.patience(), seed != null ? seed : t.seed());
        ModelConfig m = c.model();
        if (imageSize != null) {
            m = new ModelConfig(
                    imageSize, m.encoderWidths(), m.convsPerStage(), m.batchNorm(), m.fcDims(),
                    m.embedDim(), m.hiddenDim(), m.attnDim(), m.useMemory(), m.memorySlots(),
                    m.memoryValueDim(), m.memoryControllerDim(), m.useDeconvMaps(),
                    m.deconvChannels(), m.dropout(), m.globalProj());
        }
        return c.withTrain(t).withModel(m).validate();
    }
}

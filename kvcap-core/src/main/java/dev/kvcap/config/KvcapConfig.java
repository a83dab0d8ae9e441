package dev.kvcap.config;

/**
 * Everything that defines a training run and the model it produces. Saved as {@code config.json}
 * beside every checkpoint, so a model directory rebuilds its network without outside knowledge.
 *
 * @param preset the preset this config started from ({@code tiny}, {@code small}, {@code vgg16})
 * @param scst the self-critical phase ({@code train --scst}); unused by cross-entropy training
 */
public record KvcapConfig(
        String preset,
        ModelConfig model,
        DataConfig data,
        TrainConfig train,
        DecodeConfig decode,
        ScstConfig scst) {

    public KvcapConfig validate() {
        model.validate();
        data.validate();
        train.validate();
        decode.validate();
        scst.validate();
        ModelConfig.require(decode.rerank() == 0 || model.retrievalMemory(),
                "decode.rerank chooses among the nearest training images' captions, which only a retrieval memory keeps (model.memoryCells > 0): set it to 0");
        return this;
    }

    public KvcapConfig withModel(ModelConfig m) {
        return new KvcapConfig(preset, m, data, train, decode, scst);
    }

    public KvcapConfig withData(DataConfig d) {
        return new KvcapConfig(preset, model, d, train, decode, scst);
    }

    public KvcapConfig withTrain(TrainConfig t) {
        return new KvcapConfig(preset, model, data, t, decode, scst);
    }

    public KvcapConfig withDecode(DecodeConfig d) {
        return new KvcapConfig(preset, model, data, train, d, scst);
    }

    public KvcapConfig withScst(ScstConfig s) {
        return new KvcapConfig(preset, model, data, train, decode, s);
    }
}

package dev.kvcap.config;

/**
 * Everything that defines a training run and the model it produces. Saved as {@code config.json}
 * beside every checkpoint, so a model directory rebuilds its network without outside knowledge.
 *
 * @param preset the preset this config started from ({@code tiny}, {@code small}, {@code vgg16})
 */
public record KvcapConfig(
        String preset, ModelConfig model, DataConfig data, TrainConfig train, DecodeConfig decode) {

    public KvcapConfig validate() {
        model.validate();
        data.validate();
        train.validate();
        decode.validate();
        return this;
    }

    public KvcapConfig withModel(ModelConfig m) {
        return new KvcapConfig(preset, m, data, train, decode);
    }

    public KvcapConfig withData(DataConfig d) {
        return new KvcapConfig(preset, model, d, train, decode);
    }

    public KvcapConfig withTrain(TrainConfig t) {
        return new KvcapConfig(preset, model, data, t, decode);
    }

    public KvcapConfig withDecode(DecodeConfig d) {
        return new KvcapConfig(preset, model, data, train, d);
    }
}

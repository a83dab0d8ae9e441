package dev.kvcap.config;

/**
 * Self-critical sequence training (Rennie et al. 2017), the second phase after cross-entropy
 * ({@code train --scst --init MODEL_DIR}): the model draws captions, each is rewarded with its
 * CIDEr-D against the image's references (document frequencies from the training references), and
 * the gradient raises the log-probability of those that beat a baseline.
 *
 * @param samples captions drawn per image per step (k)
 * @param baseline {@code mean}: the mean reward of the image's other k−1 draws (the "new SCST" of
 *     Luo 2020, no extra decoding); {@code greedy}: the reward of the greedy caption (the original
 *     SCST, one more search per batch)
 * @param learningRate the phase's peak rate: far below cross-entropy's, since the policy gradient
 *     is noisy and the starting model already good
 * @param epochs passes over the training images
 */
public record ScstConfig(int samples, String baseline, float learningRate, int epochs) {

    public static final String MEAN = "mean";
    public static final String GREEDY = "greedy";

    public ScstConfig validate() {
        ModelConfig.require(samples >= 1, "scst.samples must be at least 1");
        ModelConfig.require(
                MEAN.equals(baseline) || GREEDY.equals(baseline), "scst.baseline must be mean or greedy");
        ModelConfig.require(!MEAN.equals(baseline) || samples >= 2, "scst.baseline mean needs scst.samples of at least 2");
        ModelConfig.require(learningRate > 0, "scst.learningRate must be positive");
        ModelConfig.require(epochs >= 1, "scst.epochs must be at least 1");
        return this;
    }

    public ScstConfig withEpochs(int n) {
        return new ScstConfig(samples, baseline, learningRate, n);
    }

    public ScstConfig withSamples(int n) {
        return new ScstConfig(n, baseline, learningRate, epochs);
    }

    public ScstConfig withBaseline(String b) {
        return new ScstConfig(samples, b, learningRate, epochs);
    }
}

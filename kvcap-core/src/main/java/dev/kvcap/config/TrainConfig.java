package dev.kvcap.config;

/**
 * Optimisation settings for teacher-forced cross-entropy training with Adam.
 *
 * @param epochs maximum number of passes over the training set
 * @param batchSize images per step (each image contributes one of its captions, drawn at random)
 * @param learningRate peak Adam learning rate, reached after warm-up
 * @param warmupSteps linear warm-up from 0 to the peak, so Adam's early noisy steps stay small
 * @param decayEvery multiply the learning rate by {@code decayFactor} every this many epochs
 * @param decayFactor see {@code decayEvery}
 * @param gradClip global L2 norm to which gradients are clipped (0 = off)
 * @param weightDecay decoupled weight decay (AdamW style)
 * @param patience stop after this many epochs without a better validation CIDEr-D (0 = never)
 * @param seed seeds data order, augmentation, dropout and initialisation
 * @param labelSmoothing share ε of each target's probability spread evenly over the vocabulary
 *     (0 = plain cross-entropy); measured in docs/REAL-DATA.md
 * @param captionsPerImage captions each image is trained on per step, drawn without replacement
 *     while they last (the encoder runs once and its output is repeated): more supervision per
 *     image for the same encoder work; 1 = one caption per image per epoch
 * @param wordLoss weight of the auxiliary word-presence loss that teaches the encoder what the
 *     captions mention (0 = off); see {@code train.WordPresence}, measured in docs/REAL-DATA.md
 * @param scheduledSampling the largest share of input words replaced by the model's own
 *     prediction, reached linearly over the run (0 = always the reference word); measured in
 *     docs/REAL-DATA.md
 * @param rerankChoice at the end of {@code train}, caption the validation images with and without
 *     {@code --rerank rerankChoice} and save the better in the best model's {@code decode.rerank}
 *     (0 = never; only models that keep their training captions can choose): on real captioned
 *     icons choosing won (validation CIDEr-D 0.33 → 0.47), on the synthetic shapes it lost, so
 *     the data decide (docs/REAL-DATA.md)
 * @param captionTarget which of an image's captions the decoder learns to say: {@code all} (one
 *     drawn at random each time, so the model learns their mixture and its most likely caption is
 *     the most common kind, a generic tag where captions are a name and tags) or {@code central}
 *     (always the caption that agrees best, by CIDEr-D, with the image's other captions, as a
 *     caption scored against all of them should); measured in docs/REAL-DATA.md, "Which caption
 *     to learn"
 */
public record TrainConfig(
        int epochs,
        int batchSize,
        float learningRate,
        int warmupSteps,
        int decayEvery,
        float decayFactor,
        float gradClip,
        float weightDecay,
        int patience,
        long seed,
        float labelSmoothing,
        int captionsPerImage,
        float wordLoss,
        float scheduledSampling,
        int rerankChoice,
        String captionTarget) {

    /** {@link #captionTarget}: one of an image's captions drawn at random each time. */
    public static final String ALL = "all";

    /** {@link #captionTarget}: the caption that agrees best with the image's other captions. */
    public static final String CENTRAL = "central";

    public TrainConfig validate() {
        ModelConfig.require(epochs >= 1, "train.epochs must be at least 1");
        ModelConfig.require(batchSize >= 1, "train.batchSize must be at least 1");
        ModelConfig.require(learningRate > 0, "train.learningRate must be positive");
        ModelConfig.require(warmupSteps >= 0, "train.warmupSteps must not be negative");
        ModelConfig.require(decayEvery >= 1, "train.decayEvery must be at least 1");
        ModelConfig.require(decayFactor > 0 && decayFactor <= 1, "train.decayFactor must be in (0, 1]");
        ModelConfig.require(gradClip >= 0, "train.gradClip must not be negative");
        ModelConfig.require(weightDecay >= 0, "train.weightDecay must not be negative");
        ModelConfig.require(patience >= 0, "train.patience must not be negative");
        ModelConfig.require(
                labelSmoothing >= 0 && labelSmoothing < 1, "train.labelSmoothing must be in [0, 1)");
        ModelConfig.require(wordLoss >= 0, "train.wordLoss must not be negative");
        ModelConfig.require(captionsPerImage >= 1, "train.captionsPerImage must be at least 1");
        ModelConfig.require(
                scheduledSampling >= 0 && scheduledSampling <= 1, "train.scheduledSampling must be in [0, 1]");
        ModelConfig.require(rerankChoice >= 0 && rerankChoice <= DecodeConfig.MAX_RERANK,
                "train.rerankChoice must be between 0 (never choose --rerank) and " + DecodeConfig.MAX_RERANK + ", got " + rerankChoice);
        ModelConfig.require(ALL.equals(captionTarget) || CENTRAL.equals(captionTarget),
                "train.captionTarget must be \"all\" or \"central\", got " + (captionTarget == null ? "nothing" : "\"" + captionTarget + "\""));
        ModelConfig.require(ALL.equals(captionTarget) || captionsPerImage == 1,
                "train.captionTarget \"central\" trains on one caption per image, so train.captionsPerImage must be 1, got " + captionsPerImage);
        return this;
    }

    public TrainConfig withEpochs(int n) {
        return new TrainConfig(n, batchSize, learningRate, warmupSteps, decayEvery, decayFactor, gradClip,
                weightDecay, patience, seed, labelSmoothing, captionsPerImage, wordLoss, scheduledSampling, rerankChoice, captionTarget);
    }

    public TrainConfig withBatchSize(int n) {
        return new TrainConfig(epochs, n, learningRate, warmupSteps, decayEvery, decayFactor, gradClip,
                weightDecay, patience, seed, labelSmoothing, captionsPerImage, wordLoss, scheduledSampling, rerankChoice, captionTarget);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, batchSize, learningRate, warmupSteps, decayEvery, decayFactor, gradClip,
                weightDecay, patience, s, labelSmoothing, captionsPerImage, wordLoss, scheduledSampling, rerankChoice, captionTarget);
    }
}

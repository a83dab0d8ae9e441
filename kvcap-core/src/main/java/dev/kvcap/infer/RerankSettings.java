package dev.kvcap.infer;

import dev.kvcap.config.DecodeConfig;
import dev.kvcap.config.OptionException;
import java.util.List;
import java.util.Optional;

/**
 * How {@code --rerank} chooses among an image's candidate captions and, with {@code spans}, runs of
 * their words ({@link Captioner#rerank}):
 * each candidate weighs exp(mean log-probability / {@code temperature}) · Σ similarity^{@code
 * similarityPower} over the neighbours whose caption it is, a similarity being a neighbour's cosine
 * (the model's own caption counts as one more neighbour at the nearest one's cosine). The defaults were chosen on the real
 * set's validation split (docs/REAL-DATA.md, "Choosing among the neighbours' captions").
 *
 * @param neighbours the nearest training images whose captions are candidates (at least 1; {@code
 *     --rerank 0}, the model's own captions, makes no settings)
 * @param temperature T, positive: larger trusts the model less and the neighbours more
 * @param similarityPower P, 0 or more: larger trusts the nearest neighbours more (0: every
 *     neighbour's captions alike)
 * @param spans whether the candidates' spans may be chosen too ({@link ConsensusChoice}), not only
 *     whole candidates
 * @param fitted the weights of a choice fitted on the training images ({@link ChoiceFit}, a model's
 *     {@code decode.rerankWeights}); empty: the hypothesis that agrees best with the weighted
 *     candidates wins (minimum Bayes risk)
 */
public record RerankSettings(int neighbours, double temperature, double similarityPower, boolean spans, List<Double> fitted) {

    public RerankSettings {
        fitted = List.copyOf(fitted);
    }

    /** The given weights, choosing by agreement (no fitted choice). */
    public RerankSettings(int neighbours, double temperature, double similarityPower, boolean spans) {
        this(neighbours, temperature, similarityPower, spans, List.of());
    }

    /** The default T: the model's probabilities, much softened. */
    public static final double TEMPERATURE = 8;

    /** The default P. */
    public static final double SIMILARITY_POWER = 12;

    /** The default for spans: chosen where they win. */
    public static final boolean SPANS = true;

    /** The given weights, with spans as by default ({@link #SPANS}). */
    public RerankSettings(int neighbours, double temperature, double similarityPower) {
        this(neighbours, temperature, similarityPower, SPANS);
    }

    /** {@code neighbours} with the default temperature, similarity power and spans. */
    public static RerankSettings of(int neighbours) {
        return new RerankSettings(neighbours, TEMPERATURE, SIMILARITY_POWER, SPANS);
    }

    /**
     * What a model's {@code decode.rerank} says (set by {@code train} on its validation images),
     * with the default weights; empty at 0, the model's own captions.
     */
    public static Optional<RerankSettings> of(DecodeConfig decode) {
        return decode.rerank() == 0 ? Optional.empty() : Optional.of(of(decode.rerank()).withFitted(decode.rerankWeights()));
    }

    /** These settings choosing with {@code weights} (empty: by agreement). */
    public RerankSettings withFitted(List<Double> weights) {
        return new RerankSettings(neighbours, temperature, similarityPower, spans, weights);
    }

    /** @throws IllegalArgumentException naming the option to fix when a setting is out of range */
    public void check() {
        if (neighbours < 1 || neighbours > DecodeConfig.MAX_RERANK) {
            throw new OptionException("--rerank must be a number of nearest training images up to " + DecodeConfig.MAX_RERANK
                    + ", or 0 for the model's own captions; got " + neighbours);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new OptionException("--rerank-temperature must be a positive number, got " + temperature);
        }
        if (!(similarityPower >= 0) || Double.isInfinite(similarityPower)) {
            throw new OptionException("--rerank-similarity-power must be 0 or a positive number, got " + similarityPower);
        }
        if (!fitted.isEmpty() && fitted.size() != ConsensusChoice.FEATURES.size() && fitted.size() != ConsensusChoice.FEATURES_BEFORE_WORDS) {
            throw new IllegalArgumentException("a fitted choice needs " + ConsensusChoice.FEATURES.size() + " weights ("
                    + ConsensusChoice.FEATURES_BEFORE_WORDS + " if fitted before 2026-12-07), got " + fitted.size()
                    + ": retrain the model, or choose by agreement (--no-rerank-fit)");
        }
    }
}

package dev.kvcap.cli;

import dev.kvcap.config.DecodeConfig;
import dev.kvcap.infer.RerankSettings;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --rerank N}: choose each caption among the model's own and its nearest training images'
 * captions, or a run of their words ({@code --[no-]rerank-spans}). Without the option, the model's {@code decode.rerank} decides: {@code train} sets it
 * when choosing scored better on the validation images.
 */
final class RerankOption {

    @Option(
            names = "--rerank",
            paramLabel = "N",
            description = "Choose each caption among the model's own and the captions of the image's N nearest training images, or a run of their words (--rerank-spans): the one that most agrees (CIDEr-D) with all of them, each weighted by the model's probability and its image's similarity (minimum Bayes risk; about 10x slower with 32; docs/REAL-DATA.md). Retrieval-memory models trained since the option; 16 and 32 measured (32 best); 0 = the model's own caption. Default: the model's decode.rerank, which train sets to N = train.rerankChoice (32) when that captioned its validation images better, else 0.")
    Integer neighbours;

    @Option(
            names = "--rerank-temperature",
            paramLabel = "T",
            defaultValue = "" + RerankSettings.TEMPERATURE,
            description = "With --rerank (or the model's decode.rerank): each candidate weighs exp(mean log-probability / T); larger T trusts the model less and the neighbours' agreement more; default ${DEFAULT-VALUE} (chosen on validation data).")
    double temperature;

    @Option(
            names = "--rerank-similarity-power",
            paramLabel = "P",
            defaultValue = "" + RerankSettings.SIMILARITY_POWER,
            description = "With --rerank (or the model's decode.rerank): each candidate also weighs s^P, s the similarity (cosine) of the nearest neighbour it comes from (the model's own caption: the nearest one's); 0 weighs all neighbours alike; default ${DEFAULT-VALUE} (chosen on validation data).")
    double similarityPower;

    @Option(
            names = "--rerank-spans",
            negatable = true,
            defaultValue = "" + RerankSettings.SPANS,
            fallbackValue = "true",
            description = "With --rerank (or the model's decode.rerank): shorter runs of a candidate's words compete too (not starting or ending with a, the, of, ...), so the words the candidates share can win over any one whole name; --no-rerank-spans chooses whole candidates only; default on (docs/REAL-DATA.md).")
    boolean spans;

    @Option(
            names = "--rerank-fit",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "With --rerank (or the model's decode.rerank): choose with the weights train fitted on the training images (the model's decode.rerankWeights, saved when they captioned the validation images better: they favour what the neighbours share and avoid rare words), where the model has them; --no-rerank-fit chooses by agreement alone; default on (docs/REAL-DATA.md, \"A fitted choice\").")
    boolean fit;

    /** Whether {@code --rerank} was given (0 included), rather than left to the model. */
    boolean given() {
        return neighbours != null;
    }

    /**
     * The settings to choose with: {@code --rerank N} when given, else the model's {@code
     * decode.rerank}; empty when that is 0 (the model's own caption).
     */
    Optional<RerankSettings> settings(DecodeConfig decode) {
        int n = given() ? neighbours : decode.rerank();
        return n == 0 ? Optional.empty()
                : Optional.of(new RerankSettings(n, temperature, similarityPower, spans, fit ? decode.rerankWeights() : java.util.List.of()));
    }
}

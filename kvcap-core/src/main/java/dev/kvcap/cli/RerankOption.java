package dev.kvcap.cli;

import dev.kvcap.infer.RerankSettings;
import picocli.CommandLine.Option;

/** {@code --rerank N}: choose each caption among the model's own and its nearest training images' captions. */
final class RerankOption {

    @Option(
            names = "--rerank",
            paramLabel = "N",
            defaultValue = "0",
            description = "Choose each caption among the model's own and the captions of the image's N nearest training images: the one that most agrees (CIDEr-D) with all of them, each weighted by the model's probability and its image's similarity (minimum Bayes risk; about 10x slower with 32; docs/REAL-DATA.md). Retrieval-memory models trained since the option; 16 and 32 measured (32 best); default ${DEFAULT-VALUE} (off).")
    int neighbours;

    @Option(
            names = "--rerank-temperature",
            paramLabel = "T",
            defaultValue = "" + RerankSettings.TEMPERATURE,
            description = "With --rerank: each candidate weighs exp(mean log-probability / T); larger T trusts the model less and the neighbours' agreement more; default ${DEFAULT-VALUE} (chosen on validation data).")
    double temperature;

    @Option(
            names = "--rerank-similarity-power",
            paramLabel = "P",
            defaultValue = "" + RerankSettings.SIMILARITY_POWER,
            description = "With --rerank: each candidate also weighs s^P, s the similarity (cosine) of the nearest neighbour it comes from (the model's own caption: the nearest one's); 0 weighs all neighbours alike; default ${DEFAULT-VALUE} (chosen on validation data).")
    double similarityPower;

    boolean on() {
        return neighbours != 0;
    }

    RerankSettings settings() {
        return new RerankSettings(neighbours, temperature, similarityPower);
    }
}

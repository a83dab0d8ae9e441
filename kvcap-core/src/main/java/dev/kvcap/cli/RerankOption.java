package dev.kvcap.cli;

import picocli.CommandLine.Option;

/** {@code --rerank N}: choose each caption among the model's own and its nearest training images' captions. */
final class RerankOption {

    @Option(
            names = "--rerank",
            paramLabel = "N",
            defaultValue = "0",
            description = "Choose each caption among the model's own and the captions of the image's N nearest training images: the one that most agrees (CIDEr-D) with all of them, each weighted by the model's probability (minimum Bayes risk; about 10x slower; docs/REAL-DATA.md). Retrieval-memory models trained since the option; 16 measured; default ${DEFAULT-VALUE} (off).")
    int neighbours;

    @Option(
            names = "--rerank-temperature",
            paramLabel = "T",
            defaultValue = "2",
            description = "With --rerank: each candidate weighs exp(mean log-probability / T); larger T trusts the model less and the neighbours' agreement more; default ${DEFAULT-VALUE} (chosen on validation data).")
    double temperature;

    boolean on() {
        return neighbours != 0;
    }
}

package dev.kvcap.train;

import java.util.Map;

/** What training reports while it runs; the CLI renders these (train/ prints nothing itself). */
public sealed interface TrainEvent {

    /** A note for the log (data summary, skipped images, resumption). */
    record Info(String message) implements TrainEvent {}

    /** Image preparation progress (decoding into the cache). */
    record Preparing(int done, int total) implements TrainEvent {}

    /** The end-of-training choice of {@code decode.rerank}: training images prepared for its fit so far, of at most {@code total}. */
    record Fitting(int done, int total) implements TrainEvent {}

    /** The end-of-training choice of {@code decode.rerank}: validation images captioned every way so far. */
    record Choosing(int done, int total) implements TrainEvent {}

    /** One optimisation step finished. */
    record Step(
            int epoch,
            int epochs,
            int batch,
            int batches,
            float loss,
            float learningRate,
            double imagesPerSecond,
            double etaSeconds)
            implements TrainEvent {}

    /** An epoch finished; {@code figures} is the line written to metrics.jsonl. */
    record Epoch(int epoch, Map<String, Object> figures, boolean best) implements TrainEvent {}
}

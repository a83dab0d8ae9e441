package dev.kvcap.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import java.util.Random;

/**
 * Scheduled sampling (Bengio et al. 2015) in its parallel form (Duckworth et al. 2019): a first
 * teacher-forced pass, without gradients or dropout, gives the model's most likely word at every
 * position; then each input word after {@code <start>} is replaced, with probability p, by the
 * model's prediction for that position, and the training pass reads the mixed inputs. One extra
 * forward pass per step instead of a word-by-word loop, so the fused teacher-forced pass stays.
 */
final class ScheduledSampling {

    private ScheduledSampling() {}

    /**
     * @param inputs teacher-forced inputs [B, T] ({@code <start>} w1 … wn, 0-padded)
     * @param p share of inputs (after the first) replaced by the model's own prediction
     * @return the mixed inputs [B, T] (int64)
     */
    static NDArray mix(KvmCaptionModel model, ParameterStore ps, ImageContext ctx, NDArray inputs, float p, Random rng) {
        long[] in = inputs.toLongArray();
        long[] predicted;
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            predicted = model.logits(ps, ctx, inputs, false).argMax(-1).toLongArray(); // [B, T]
        } finally {
            JniUtils.setGradMode(grad);
        }
        int b = (int) inputs.getShape().get(0);
        int t = (int) inputs.getShape().get(1);
        long[] mixed = in.clone();
        for (int i = 0; i < b; i++) {
            for (int j = 1; j < t; j++) {
                // input j is the word predicted at position j−1; padding stays padding
                if (in[i * t + j] != 0 && rng.nextFloat() < p) {
                    mixed[i * t + j] = predicted[i * t + j - 1];
                }
            }
        }
        return inputs.getManager().create(mixed, new Shape(b, t)).toType(DataType.INT64, false);
    }
}

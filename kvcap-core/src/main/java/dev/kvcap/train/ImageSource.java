package dev.kvcap.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.kvcap.data.Augmenter;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.TensorCasts;
import java.util.Random;

/**
 * Where a training or validation batch's encoded images come from: the live encoder (pixels in,
 * trained along) or the frozen encoder's {@link FeatureCache}.
 */
interface ImageSource {

    /**
     * The inputs of images {@code idx[from..to)}: normalised pixels [B, 3, S, S], or cached
     * regions [B, L, C] and global vectors [B, Dg]; augmented with {@code rng} where it applies.
     */
    NDList inputs(NDManager manager, int[] idx, int from, int to, Random rng);

    /** Encodes {@link #inputs} for the decoder. */
    ImageContext encode(ParameterStore ps, NDList inputs, boolean training);

    /**
     * Pixels through the model's encoder.
     *
     * @param layout the training layout conversion ({@link TensorCasts#inGraph}), or null
     */
    static ImageSource live(KvmCaptionModel model, TrainingBatches data, Augmenter augment, TensorCasts layout) {
        return new ImageSource() {
            @Override
            public NDList inputs(NDManager manager, int[] idx, int from, int to, Random rng) {
                NDArray images = data.images(manager, idx, from, to, rng, augment);
                return new NDList(layout == null ? images : layout.inGraph(images));
            }

            @Override
            public ImageContext encode(ParameterStore ps, NDList inputs, boolean training) {
                return model.encode(ps, inputs.get(0), training);
            }
        };
    }

    /** The frozen encoder's cached features (no augmentation: they were computed once). */
    static ImageSource cached(KvmCaptionModel model, FeatureCache cache) {
        return new ImageSource() {
            @Override
            public NDList inputs(NDManager manager, int[] idx, int from, int to, Random rng) {
                return cache.batch(manager, idx, from, to);
            }

            @Override
            public ImageContext encode(ParameterStore ps, NDList inputs, boolean training) {
                return model.context(ps, inputs.get(0), inputs.get(1), training);
            }
        };
    }
}

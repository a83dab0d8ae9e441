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
     * With a retrieval memory, the images' cells follow: word ids [B, K] and shares [B, K].
     */
    NDList inputs(NDManager manager, int[] idx, int from, int to, Random rng);

    /** Encodes {@link #inputs} for the decoder. */
    ImageContext encode(ParameterStore ps, NDList inputs, boolean training);

    /**
     * Pixels through the model's encoder.
     *
     * @param layout the training layout conversion ({@link TensorCasts#inGraph}), or null
     * @param cells the images' retrieval cells, or null without a retrieval memory
     */
    static ImageSource live(
            KvmCaptionModel model, TrainingBatches data, Augmenter augment, TensorCasts layout, CellTable cells) {
        return new ImageSource() {
            @Override
            public NDList inputs(NDManager manager, int[] idx, int from, int to, Random rng) {
                NDArray images = data.images(manager, idx, from, to, rng, augment);
                return withCells(new NDList(layout == null ? images : layout.inGraph(images)), cells, manager, idx, from, to);
            }

            @Override
            public ImageContext encode(ParameterStore ps, NDList inputs, boolean training) {
                return model.encode(ps, inputs.get(0), cellsOf(inputs, 1), training);
            }
        };
    }

    /** The frozen encoder's cached features (no augmentation: they were computed once). */
    static ImageSource cached(KvmCaptionModel model, FeatureCache cache, CellTable cells) {
        return new ImageSource() {
            @Override
            public NDList inputs(NDManager manager, int[] idx, int from, int to, Random rng) {
                return withCells(cache.batch(manager, idx, from, to), cells, manager, idx, from, to);
            }

            @Override
            public ImageContext encode(ParameterStore ps, NDList inputs, boolean training) {
                return model.context(ps, inputs.get(0), inputs.get(1), cellsOf(inputs, 2), training);
            }
        };
    }

    private static NDList withCells(NDList inputs, CellTable cells, NDManager manager, int[] idx, int from, int to) {
        if (cells != null) {
            inputs.addAll(cells.batch(manager, idx, from, to));
        }
        return inputs;
    }

    /** The cells that follow the first {@code at} inputs, or null. */
    private static NDList cellsOf(NDList inputs, int at) {
        return inputs.size() > at ? new NDList(inputs.get(at), inputs.get(at + 1)) : null;
    }
}

package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.kvcap.data.CellIndex;
import java.util.List;

/**
 * A retrieval memory's cells for a batch of images ({@link dev.kvcap.data.CellIndex}): each cell a
 * key word of the image's nearest neighbours' captions, with its share of their captions. Built
 * once per batch by {@link KvmCaptionModel#context}; every decoding step reads it.
 *
 * <p>Legend: B batch, K cells, E embedding width, V vocabulary.
 *
 * @param keys the key words' embeddings [B, K, E]
 * @param shares how many of the neighbours' captions name each word, as a share [B, K] (0: an empty cell)
 * @param readKeys the keys as every read step multiplies them, keysᵀ/√E [B, E, K]
 * @param readBias what every read step adds to the scores: s·share, and −10⁴ for an empty cell [B, K]
 * @param copy the cells' words as one-hot rows [B, K, V] (zero rows for empty cells): the read
 *     weights times these are the copy distribution
 */
public record MemoryCells(NDArray keys, NDArray shares, NDArray readKeys, NDArray readBias, NDArray copy) {

    /**
     * @param words key word ids [B, K] (int64)
     * @param shares [B, K]
     * @param keys their embeddings [B, K, E]
     * @param shareWeight s [1]
     */
    static MemoryCells of(NDArray words, NDArray shares, NDArray keys, NDArray shareWeight, int vocabSize) {
        NDArray filled = shares.gt(0).toType(DataType.FLOAT32, false); // [B, K]
        NDArray mask = filled.sub(1).mul(1e4f); // [B, K]; no gradient flows through it
        NDArray readKeys = Ops.scale(keys.transpose(0, 2, 1), (float) (1 / Math.sqrt(keys.getShape().get(2)))); // [B, E, K]
        NDArray readBias = shares.mul(shareWeight).add(mask); // [B, K]
        NDArray copy = words.oneHot(vocabSize).toType(DataType.FLOAT32, false).mul(filled.expandDims(2)); // [B, K, V]
        return new MemoryCells(keys, shares, readKeys, readBias, copy);
    }

    /**
     * Found cells ({@link CellIndex#cells}) as {@link KvmCaptionModel#context} takes them: key word
     * ids [B, K] (int64) and shares [B, K].
     */
    public static NDList inputs(NDManager manager, List<CellIndex.Cells> cells, int k) {
        int b = cells.size();
        long[] words = new long[b * k];
        float[] shares = new float[b * k];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                words[i * k + j] = cells.get(i).words()[j];
                shares[i * k + j] = cells.get(i).shares()[j];
            }
        }
        Shape shape = new Shape(b, k);
        return new NDList(manager.create(words, shape), manager.create(shares, shape));
    }

    /** Each image's cells repeated {@code n} times in place, as {@link ImageContext#repeat}. */
    MemoryCells repeat(int n) {
        return new MemoryCells(
                keys.repeat(0, n), shares.repeat(0, n), readKeys.repeat(0, n), readBias.repeat(0, n), copy.repeat(0, n));
    }
}

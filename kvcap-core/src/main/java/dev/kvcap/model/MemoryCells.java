package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.kvcap.data.CellIndex;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A retrieval memory's cells for a batch of images ({@link dev.kvcap.data.CellIndex}): each cell a
 * key word of the image's nearest neighbours' captions, with its share of their captions. Built
 * once per batch by {@link KvmCaptionModel#context}; every decoding step reads it.
 *
 * <p>The read's query map is folded in here, once per batch: a step's scores (W_q h + b_q)·keysᵀ/√E
 * + s·share are h·{@code readKeys} + {@code readBias}, so a step makes no query (the same function;
 * one product fewer per word).
 *
 * <p>Legend: B batch, K cells, E embedding width, Hm controller width, V vocabulary.
 *
 * @param keys the key words' embeddings [B, K, E]
 * @param shares how many of the neighbours' captions name each word, as a share [B, K] (0: an empty cell)
 * @param readKeys what a read step multiplies the controller state by: W_qᵀ keysᵀ/√E [B, Hm, K]
 * @param readBias what a read step adds to the scores: b_q·keysᵀ/√E + s·share, and −10⁴ for an
 *     empty cell [B, K]
 * @param words the cells' word ids [B, K] (int64): what a read copies
 * @param filled 1 for a cell with a word, 0 for an empty one [B, K]
 * @param vocabSize V
 */
public record MemoryCells(
        NDArray keys, NDArray shares, NDArray readKeys, NDArray readBias, NDArray words, NDArray filled, int vocabSize) {

    /**
     * @param words key word ids [B, K] (int64)
     * @param shares [B, K]
     * @param keys their embeddings [B, K, E]
     * @param shareWeight s [1]
     * @param queryWeight W_q [E, Hm]
     * @param queryBias b_q [E]
     */
    static MemoryCells of(
            NDArray words, NDArray shares, NDArray keys, NDArray shareWeight, NDArray queryWeight, NDArray queryBias, int vocabSize) {
        NDArray filled = shares.gt(0).toType(DataType.FLOAT32, false); // [B, K]
        NDArray mask = filled.sub(1).mul(1e4f); // [B, K]; no gradient flows through it
        float scale = (float) (1 / Math.sqrt(keys.getShape().get(2)));
        NDArray readKeys = Ops.scale(queryWeight.transpose().matMul(keys.transpose(0, 2, 1)), scale); // [B, Hm, K]
        NDArray readBias = Ops.scale(keys.matMul(queryBias), scale).add(shares.mul(shareWeight)).add(mask); // [B, K]
        return new MemoryCells(keys, shares, readKeys, readBias, words, filled, vocabSize);
    }

    /**
     * The copy of read weights {@code w} [B, T, K] into word logits [B, T, V]: logits + Σ_k w_k
     * onehot(word_k), an empty cell copying nothing. Differentiable (training's teacher-forced pass).
     */
    NDArray copyInto(NDArray logits, NDArray w) {
        NDArray onehot = words.oneHot(vocabSize).toType(DataType.FLOAT32, false).mul(filled.expandDims(2)); // [B, K, V]
        return logits.add(w.batchMatMul(onehot)); // [B, T, V]
    }

    /**
     * The copy without a gradient, logits [B, V] and read weights [B, K] (one decoding step), or
     * logits [B, T, V] and weights [B, T, K] (a teacher-forced pass): the same sum as {@link
     * #copyInto}, written at the K cells' words only (a gather and a scatter instead of a product
     * with a [B, K, V] one-hot; for a rerank's ~105 candidates of 24 cells and 3,184 words that
     * product was half the time). For inference: an empty cell (weight 0) writes its word's logit
     * back unchanged, and a scatter's gradient would count such a word once per empty cell. The
     * cells of one image name distinct words ({@link CellIndex}).
     */
    NDArray copyStep(NDArray logits, NDArray w) {
        if (logits.getShape().dimension() == 2) {
            return logits.scatter(words, logits.gather(words, 1).add(w.mul(filled)), 1); // [B, V]
        }
        Shape at = w.getShape(); // [B, T, K]
        NDArray index = words.expandDims(1).broadcast(at); // [B, T, K]
        return logits.scatter(index, logits.gather(index, 2).add(w.mul(filled.expandDims(1))), 2); // [B, T, V]
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

    /** Image {@code i}'s cells alone (a batch of one; views of these). */
    MemoryCells row(int i) {
        return select(part -> part.get(i + ":" + (i + 1)));
    }

    /** The first {@code n} rows (views of these). */
    MemoryCells prefix(long n) {
        return select(part -> part.get("0:" + n));
    }

    /** The rows {@code index} [B'] (int64) of every part, in that order ({@link ImageContext#repeat}). */
    MemoryCells rows(NDArray index) {
        return select(part -> part.get(index));
    }

    /**
     * The rows {@code index} [B'] of what {@link #copyStep} reads (the words and which cells are
     * filled) and nothing else: the other parts are null. For copying at many rows of few images
     * without copying each row's keys.
     */
    MemoryCells copyRows(NDArray index) {
        return new MemoryCells(null, null, null, null, words.get(index), filled.get(index), vocabSize);
    }

    private MemoryCells select(UnaryOperator<NDArray> rowsOf) {
        return new MemoryCells(rowsOf.apply(keys), rowsOf.apply(shares), rowsOf.apply(readKeys), rowsOf.apply(readBias),
                rowsOf.apply(words), rowsOf.apply(filled), vocabSize);
    }
}

package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.function.UnaryOperator;

/**
 * A batch of encoded images, computed once and read at every decoding step.
 *
 * @param regions region features [B, L, C]
 * @param regionProj regions projected for attention, W_v v [B, L, A]
 * @param global the image vector the decoder and memory read: the global vector [B, Dg], or its
 *     projection [B, P] when {@code model.globalProj} is set
 * @param mapKernels the attention maps' deconvolution kernels as every step uses them ({@link
 *     AttentionMaps#kernels}; the same for every image), or null when the maps are off
 * @param cells the retrieval memory's cells of each image, or null when the model has none
 * @param memoryGates the memory controller's gates from the image vector [B, 4Hm] ({@link
 *     KeyValueMemory#imageGates}), or null (no memory, int8 weights, or a memory driven by
 *     LSTM-1, which has no controller of its own)
 * @param decoderGates LSTM-1's gates from the image vector [B, 4H] ({@link
 *     CaptionDecoder#imageGates}), or null: a model that was not {@link KvmCaptionModel#joinSteps
 *     joined} (or was quantized to int8 since), or a context made for training; its steps then
 *     multiply the image vector every word
 */
public record ImageContext(
        NDArray regions,
        NDArray regionProj,
        NDArray global,
        NDList mapKernels,
        MemoryCells cells,
        NDArray memoryGates,
        NDArray decoderGates) {

    /**
     * Each image repeated {@code n} times in place (image i becomes rows i·n … i·n+n−1): one row
     * index [B·n] and one indexing call per tensor, cheaper than a repeat_interleave each
     * (docs/BENCHMARKS.md, "Fewer calls a word").
     */
    public ImageContext repeat(int n) {
        if (n == 1) {
            return this;
        }
        long b = batchSize();
        long[] rows = new long[Math.toIntExact(b * n)];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = r / n;
        }
        // Not closed here: a training step's backward pass reads it again (it is memory the JVM
        // owns, and freeing it left backward with garbage rows); it goes with the batch's manager.
        return rows(global.getManager().create(rows));
    }

    /** The rows {@code index} [B'] (int64) of every part, in that order (copies). */
    public ImageContext rows(NDArray index) {
        return select(part -> part.get(index), cells == null ? null : cells.rows(index));
    }

    /** The first {@code n} rows (views of this batch's tensors). */
    ImageContext prefix(long n) {
        return n == batchSize() ? this : select(part -> part.get("0:" + n), cells == null ? null : cells.prefix(n));
    }

    /** Image {@code i} alone, a batch of one (views of this batch's tensors). */
    public ImageContext row(int i) {
        return select(part -> part.get(i + ":" + (i + 1)), cells == null ? null : cells.row(i));
    }

    /** The same rows of every per-image part ({@code rowsOf}), the cells' given as {@code cellRows}. */
    private ImageContext select(UnaryOperator<NDArray> rowsOf, MemoryCells cellRows) {
        return new ImageContext(
                rowsOf.apply(regions),
                rowsOf.apply(regionProj),
                rowsOf.apply(global),
                mapKernels, // the same for every image
                cellRows,
                memoryGates == null ? null : rowsOf.apply(memoryGates),
                decoderGates == null ? null : rowsOf.apply(decoderGates));
    }

    public long batchSize() {
        return global.getShape().get(0);
    }
}

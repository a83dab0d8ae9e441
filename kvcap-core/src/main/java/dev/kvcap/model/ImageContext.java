package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

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
 *     KeyValueMemory#imageGates}), or null (no memory, or int8 weights)
 */
public record ImageContext(
        NDArray regions, NDArray regionProj, NDArray global, NDList mapKernels, MemoryCells cells, NDArray memoryGates) {

    /** Each image repeated {@code n} times in place (image i becomes rows i·n … i·n+n−1). */
    public ImageContext repeat(int n) {
        if (n == 1) {
            return this;
        }
        return new ImageContext(
                regions.repeat(0, n),
                regionProj.repeat(0, n),
                global.repeat(0, n),
                mapKernels,
                cells == null ? null : cells.repeat(n),
                memoryGates == null ? null : memoryGates.repeat(0, n));
    }

    /** Image {@code i} alone, a batch of one (views of this batch's tensors). */
    public ImageContext row(int i) {
        String r = i + ":" + (i + 1);
        return new ImageContext(
                regions.get(r),
                regionProj.get(r),
                global.get(r),
                mapKernels,
                cells == null ? null : cells.row(i),
                memoryGates == null ? null : memoryGates.get(r));
    }

    public long batchSize() {
        return global.getShape().get(0);
    }
}

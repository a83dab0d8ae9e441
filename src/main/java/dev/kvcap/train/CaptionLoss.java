package dev.kvcap.train;

import ai.djl.ndarray.NDArray;

/** Masked cross-entropy of teacher-forced word predictions; padding (id 0) costs nothing. */
public final class CaptionLoss {

    private CaptionLoss() {}

    /**
     * Mean negative log-likelihood per real target word.
     *
     * @param logits [B, T, V]
     * @param targets [B, T] word ids, 0 = padding
     * @return a scalar
     */
    public static NDArray of(NDArray logits, NDArray targets) {
        NDArray logProbs = logits.logSoftmax(-1); // [B, T, V]
        NDArray picked = logProbs.gather(targets.toType(ai.djl.ndarray.types.DataType.INT64, false).expandDims(-1), -1).squeeze(-1); // [B, T]
        NDArray mask = targets.neq(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false); // [B, T]
        // No Number-argument ops here: see dev.kvcap.model.Ops. Every batch has at least one target.
        return picked.mul(mask).sum().neg().div(mask.sum());
    }
}

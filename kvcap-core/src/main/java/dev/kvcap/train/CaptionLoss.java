package dev.kvcap.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.kvcap.model.Ops;

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
        return of(logits, targets, 0f);
    }

    /**
     * Mean label-smoothed cross-entropy per real target word: (1 − ε)·NLL(target) + ε·mean over the
     * vocabulary of −log p (the cross-entropy against ε spread evenly over all V words).
     *
     * @param epsilon the smoothed share; 0 is {@link #of(NDArray, NDArray)}
     */
    public static NDArray of(NDArray logits, NDArray targets, float epsilon) {
        NDArray logProbs = logits.logSoftmax(-1); // [B, T, V]
        NDArray picked = logProbs.gather(targets.toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1); // [B, T]
        NDArray mask = targets.neq(0).toType(DataType.FLOAT32, false); // [B, T]
        // No Number-argument ops here: see dev.kvcap.model.Ops. Every batch has at least one target.
        NDArray nll = picked.mul(mask).sum().neg().div(mask.sum());
        if (epsilon == 0f) {
            return nll;
        }
        NDArray uniform = logProbs.mean(new int[] {-1}).mul(mask).sum().neg().div(mask.sum());
        return Ops.scale(nll, 1f - epsilon).add(Ops.scale(uniform, epsilon));
    }
}

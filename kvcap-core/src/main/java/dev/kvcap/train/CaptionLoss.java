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
        NDArray mask = mask(targets);
        // No Number-argument ops here: see dev.kvcap.model.Ops. Every batch has at least one target.
        NDArray nll = picked(logProbs, targets).mul(mask).sum().neg().div(mask.sum());
        if (epsilon == 0f) {
            return nll;
        }
        NDArray uniform = logProbs.mean(new int[] {-1}).mul(mask).sum().neg().div(mask.sum());
        return Ops.scale(nll, 1f - epsilon).add(Ops.scale(uniform, epsilon));
    }

    /**
     * The policy-gradient loss of self-critical training: −Σ w_b · log p(target) over the real
     * target words, divided by their number; each row b weighted by its advantage w_b.
     *
     * @param rowWeights [B, 1]
     */
    static NDArray weighted(NDArray logits, NDArray targets, NDArray rowWeights) {
        NDArray mask = mask(targets);
        return picked(logits.logSoftmax(-1), targets).mul(mask).mul(rowWeights).sum().neg().div(mask.sum());
    }

    /** log p of each target word [B, T] from log-probabilities [B, T, V]. */
    private static NDArray picked(NDArray logProbs, NDArray targets) {
        return logProbs.gather(targets.toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1);
    }

    /** 1 for a real target word, 0 for padding [B, T]. */
    private static NDArray mask(NDArray targets) {
        return targets.neq(0).toType(DataType.FLOAT32, false);
    }
}

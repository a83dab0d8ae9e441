package dev.kvcap.model;

import ai.djl.ndarray.NDArray;

/** Small tensor helpers shared by the blocks. */
final class Ops {

    private Ops() {}

    /** Inverted dropout while training; the identity otherwise (no native call at inference). */
    static NDArray dropout(NDArray x, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return x;
        }
        // Written out rather than DJL's dropout op, whose backward gave NaN gradients here.
        NDArray keep = x.getManager().randomUniform(0f, 1f, x.getShape()).gte(rate);
        return x.mul(keep.toType(x.getDataType(), false)).div(1f - rate);
    }
}

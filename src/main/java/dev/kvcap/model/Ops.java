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
        return x.getNDArrayInternal().dropout(x, rate, true).head();
    }
}

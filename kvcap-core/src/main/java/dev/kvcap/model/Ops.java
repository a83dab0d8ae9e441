package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Small tensor helpers shared by the blocks.
 *
 * <p><b>Never use {@code NDArray.add/mul/div/maximum(Number)} on a path that is differentiated.</b>
 * DJL's PyTorch engine makes the scalar from a Java buffer and frees it right after the op, but
 * autograd keeps the scalar for the backward pass, which then reads freed memory: sporadic NaN
 * or garbage gradients that differ from run to run. {@link #scalar} makes a scalar that PyTorch
 * owns, so autograd's reference keeps it valid.
 */
public final class Ops {

    private Ops() {}

    /** A 0-d tensor holding {@code value}, allocated (and so owned) by PyTorch, like {@code x}. */
    public static NDArray scalar(NDArray x, float value) {
        return x.getManager().full(new Shape(), value, x.getDataType());
    }

    /** {@code x · value}, safe to differentiate. */
    public static NDArray scale(NDArray x, float value) {
        try (NDArray s = scalar(x, value)) {
            return x.mul(s);
        }
    }

    /**
     * Overwrites every element of {@code target} (a parameter or optimiser state) with {@code
     * source}'s, in place and outside autograd. Goes through indexed assignment: {@code
     * NDArray.set(float[])} makes libtorch print a deprecation warning.
     */
    public static void assign(NDArray target, NDArray source) {
        target.set(new NDIndex(":"), source.reshape(target.getShape()));
    }

    /** {@link #assign(NDArray, NDArray)} from Java values. */
    public static void assign(NDArray target, float[] values) {
        try (NDArray v = target.getManager().create(values, target.getShape())) {
            assign(target, v);
        }
    }

    /** Inverted dropout while training; the identity otherwise (no native call at inference). */
    static NDArray dropout(NDArray x, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return x;
        }
        // A Bernoulli mask written out: DJL's dropout op misbehaved in backward here.
        NDArray keep = x.getManager().randomUniform(0f, 1f, x.getShape()).gte(rate);
        return scale(x.mul(keep.toType(x.getDataType(), false)), 1f / (1f - rate));
    }
}

package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

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

    /**
     * The most values a lone input may have for libtorch to convolve it with its own kernel rather
     * than oneDNN's (its {@code use_mkldnn} rule for a batch of one and a kernel of 3×3 or less).
     */
    private static final long OWN_KERNEL_MAX = 20_480;

    private Ops() {}

    /**
     * {@code Conv2d.conv2d} that keeps a lone small input off libtorch's own kernel. For a batch of
     * one with at most 20,480 values (a 64² image; 64 channels of 16²; the attention maps' 2×2
     * convolution when one caption is left) libtorch prefers its own kernel to oneDNN, and on the
     * way asks whether NNPACK is available: on CPUs that NNPACK does not support (AMD EPYC, for one)
     * each such call logs "Could not initialize NNPACK! Reason: Unsupported hardware." on stderr,
     * two raw lines for every {@code kvcap caption} of one image and more for each greedy word.
     * Two copies of the input take oneDNN's path instead, as every larger batch does, and the first
     * copy's output is kept.
     */
    static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, Shape stride, Shape padding) {
        if (x.getShape().get(0) != 1 || x.size() > OWN_KERNEL_MAX) {
            return Conv2d.conv2d(x, weight, bias, stride, padding).head();
        }
        return Conv2d.conv2d(x.concat(x, 0), weight, bias, stride, padding).head().get("0:1");
    }

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

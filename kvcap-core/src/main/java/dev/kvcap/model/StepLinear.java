package dev.kvcap.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/**
 * A linear map x Wᵀ + b of the decoding step, from a DJL block's own weight and bias: in float32
 * as {@link Linear#forward} computes it, or, after {@link #quantize}, with int8 weights packed
 * once ({@link Int8Linears}; inference only).
 *
 * <p>Legend: K input width, N output width.
 */
final class StepLinear {

    private final Parameter weight;
    private final Parameter bias;
    private Int8Linears.Weights int8; // null: float32

    StepLinear(Parameter weight, Parameter bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /** The weight and bias of a DJL {@link Linear} block (with a bias). */
    static StepLinear of(Linear linear) {
        return new StepLinear(
                linear.getParameters().get("weight"), linear.getParameters().get("bias"));
    }

    /** [.., K] → [.., N]. */
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        if (int8 != null) {
            if (training) {
                throw new IllegalStateException("a decoder quantized to int8 cannot train");
            }
            return int8.apply(x);
        }
        Device device = x.getDevice();
        return Linear.linear(x, ps.getValue(weight, device, training), ps.getValue(bias, device, training))
                .head();
    }

    /**
     * x W[:, from:to]ᵀ + {@code bias}, float32 only: the product of part of the input ({@code to −
     * from} = x's width), with {@code bias} [.., N] in place of the map's own (null: none).
     */
    NDArray columns(ParameterStore ps, NDArray x, long from, NDArray bias, boolean training) {
        if (int8 != null) {
            throw new IllegalStateException("an int8 map multiplies its whole input");
        }
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        long to = from + x.getShape().get(x.getShape().dimension() - 1);
        if (from != 0 || to != w.getShape().get(1)) {
            w = w.get(":, " + from + ":" + to);
        }
        return Linear.linear(x, w, bias).head();
    }

    /** The weight W [N, K] as it is now (inference). */
    NDArray weight() {
        return weight.getArray();
    }

    /** The bias b [N] as it is now (inference). */
    NDArray bias() {
        return bias.getArray();
    }

    /** The bias b [N]. */
    NDArray bias(ParameterStore ps, Device device, boolean training) {
        return ps.getValue(bias, device, training);
    }

    /** Whether the weights are int8 ({@link #quantize}). */
    boolean quantized() {
        return int8 != null;
    }

    /** From now on multiplies with int8 weights packed from the current ones. */
    void quantize(Int8Linears linears) {
        int8 = linears.pack(weight.getArray(), bias.getArray());
    }
}

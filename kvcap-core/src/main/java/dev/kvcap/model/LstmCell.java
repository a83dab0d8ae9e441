package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;

/**
 * One time step of a one-layer DJL {@link LSTM}, written out: two linear maps, the gate
 * non-linearities and the state update.
 *
 * <p>Why not {@code LSTM.forward}: on the CPU, libtorch runs a one-step {@code aten::lstm} through
 * oneDNN's RNN primitive, which rebuilds the primitive and reorders all of the cell's weights on
 * every call. Measured on the {@code vgg16} decoder (beam 3): the three LSTMs of one word cost 5.9 ms
 * that way (docs/BENCHMARKS.md, lever 2); written out they are a few small matrix products. The
 * parameters stay the {@link LSTM} block's own (names, initialisation, saved layout unchanged), and
 * the math is PyTorch's: gates [i, f, g, o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh; c' = σ(f)·c +
 * σ(i)·tanh(g); h' = σ(o)·tanh(c'). A test checks it against {@code LSTM.forward}.
 *
 * <p>Legend: B batch, I input width, H state width.
 */
final class LstmCell {

    private final StepLinear input; // x W_ihᵀ + b_ih
    private final StepLinear hidden; // h W_hhᵀ + b_hh
    // After join(): W_ih's joined columns, then W_hh [4H, J + H], and b_ih + b_hh [4H]; null before
    private JoinedLinear joined;

    LstmCell(LSTM lstm) {
        Parameter wi = null;
        Parameter wh = null;
        Parameter bi = null;
        Parameter bh = null;
        for (Parameter p : lstm.getDirectParameters().values()) {
            String name = p.getName();
            boolean bias = name.contains("BIAS");
            if (name.contains("i2h")) {
                if (bias) {
                    bi = p;
                } else {
                    wi = p;
                }
            } else if (name.contains("h2h")) {
                if (bias) {
                    bh = p;
                } else {
                    wh = p;
                }
            }
        }
        if (wi == null || wh == null || bi == null || bh == null) {
            throw new IllegalArgumentException("expected a one-layer LSTM with biases, got " + lstm);
        }
        input = new StepLinear(wi, bi);
        hidden = new StepLinear(wh, bh);
    }

    /**
     * Inference only, float32: from now on a step makes one product, [x | h] [W_ih | W_hh]ᵀ,
     * instead of two products and their sum ({@link #joinedStep}). The weights are joined once
     * here, from the parameters as they are now (a model that trains must not be joined: its steps
     * would keep the old weights). The same function in another summation order, with fewer
     * libtorch calls a word (docs/BENCHMARKS.md, "Fewer calls a word").
     */
    void join() {
        long width = input.weight().getShape().get(1);
        join(width, width);
    }

    /** {@link #join(long, long)} with the fixed columns from {@code fixedFrom} to the input's end. */
    void join(long fixedFrom) {
        join(fixedFrom, input.weight().getShape().get(1));
    }

    /**
     * {@link #join()} without the input's columns {@code [fixedFrom, fixedTo)}, which come as
     * {@link #fixedGates} instead (a per-image vector: the steps then read fewer weights too).
     */
    void join(long fixedFrom, long fixedTo) {
        if (input.quantized()) {
            throw new IllegalStateException("an int8 cell multiplies its input and state apart");
        }
        unjoin();
        NDArray wi = input.weight();
        long width = wi.getShape().get(1);
        NDList slices = new NDList(); // views of W_ih, freed once joined
        if (fixedFrom > 0) {
            slices.add(wi.get(":, 0:" + fixedFrom));
        }
        if (fixedTo < width) {
            slices.add(wi.get(":, " + fixedTo + ":"));
        }
        NDList parts = new NDList(slices);
        parts.add(hidden.weight());
        joined = new JoinedLinear(NDArrays.concat(parts, 1), input.bias().add(hidden.bias()));
        slices.close();
    }

    /** Frees the joined weights, if any: steps multiply input and state apart again. */
    private void unjoin() {
        if (joined != null) {
            joined.close();
            joined = null;
        }
    }

    /** Whether {@link #join} was called: steps go through {@link #joinedStep}. */
    boolean joined() {
        return joined != null;
    }

    /**
     * One step after {@link #join}: {@code parts} are the input's joined columns (J in all) and
     * then h [B, H], in order; {@code fixedGates} the gates of the columns left out ({@link
     * #fixedGates}) [B, 4H], or null when the whole input was joined.
     *
     * @return the new states h', c' [B, H]
     */
    NDList joinedStep(NDList parts, NDArray c, NDArray fixedGates) {
        NDArray xh = NDArrays.concat(parts, 1); // [B, J + H]
        NDArray gates = fixedGates == null ? joined.apply(xh) : joined.apply(xh, fixedGates); // [B, 4H]
        return update(gates, c);
    }

    /**
     * Both products with int8 weights from now on ({@link StepLinear#quantize}; inference only);
     * a {@link #join} is undone.
     */
    void quantize(Int8Linears linears) {
        input.quantize(linears);
        hidden.quantize(linears);
        unjoin();
    }

    /**
     * The part of the gates that stays the same for every step of a caption, when the input's
     * last columns (from {@code from} on) are a per-image vector {@code fixed} [B, F]: fixed
     * W_ih[:, from:]ᵀ + b_ih + b_hh [B, 4H]. Made once per image, it lets each step multiply only
     * the varying columns ({@link #stepWithFixedGates}): the same function, and less of the
     * weights read per word. Null for int8 weights (they multiply the whole input).
     */
    NDArray fixedGates(ParameterStore ps, NDArray fixed, long from, boolean training) {
        if (input.quantized()) {
            return null;
        }
        ai.djl.Device device = fixed.getDevice();
        return input.columns(ps, fixed, from, input.bias(ps, device, training).add(hidden.bias(ps, device, training)), training);
    }

    /**
     * One step whose input is {@code x} [B, from] followed by the per-image columns of {@code
     * fixedGates} ({@link #fixedGates}).
     *
     * @return the new states h', c' [B, H]
     */
    NDList stepWithFixedGates(ParameterStore ps, NDArray x, NDArray fixedGates, NDArray h, NDArray c, boolean training) {
        NDArray gates = input.columns(ps, x, 0, null, training).add(hidden.columns(ps, h, 0, fixedGates, training)); // [B, 4H]
        return update(gates, c);
    }

    /**
     * One step.
     *
     * @param x input [B, I]
     * @param h state h [B, H]
     * @param c state c [B, H]
     * @return the new states h', c' [B, H]
     */
    NDList step(ParameterStore ps, NDArray x, NDArray h, NDArray c, boolean training) {
        NDArray gates = input.apply(ps, x, training).add(hidden.apply(ps, h, training)); // [B, 4H]
        return update(gates, c);
    }

    /** The gate non-linearities and the state update from gates [B, 4H] and c [B, H]. */
    private static NDList update(NDArray gates, NDArray c) {
        NDList split = gates.split(4, 1); // i, f, g, o: [B, H] each
        NDArray in = split.get(0).getNDArrayInternal().sigmoid();
        NDArray forget = split.get(1).getNDArrayInternal().sigmoid();
        NDArray cell = split.get(2).tanh();
        NDArray output = split.get(3).getNDArrayInternal().sigmoid();
        NDArray cNext = forget.mul(c).add(in.mul(cell)); // [B, H]
        NDArray hNext = output.mul(cNext.tanh()); // [B, H]
        return new NDList(hNext, cNext);
    }
}

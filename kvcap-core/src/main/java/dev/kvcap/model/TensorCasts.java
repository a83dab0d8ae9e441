package dev.kvcap.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;

/**
 * Converts the image encoder's tensors to the layout and number format it runs fastest in at
 * inference (docs/BF16.md): {@link #channelsLast()} for float32, {@link #bf16()} for bfloat16. In
 * training, {@link #inGraph} converts inside the gradient's graph: channels-last images
 * (docs/BENCHMARKS.md, lever 9) and the bf16 convolutions of mixed precision (lever 11).
 *
 * <p>DJL 0.36 can neither change a tensor's memory format nor make bfloat16 tensors ({@code
 * NDArray.toType(BFLOAT16)} aborts the JVM). The conversions therefore run in tiny TorchScript
 * modules shipped in the jar ({@link ScriptedModules}), written by {@code
 * bench/pytorch/tensor_casts.py}:
 *
 * <ul>
 *   <li>{@code channels-last.pt}: 4-D tensors (images, convolution weights) → channels-last, the
 *       layout oneDNN's convolutions use without reordering; anything else unchanged.
 *   <li>{@code bf16-cast.pt}: float32 → bfloat16, 4-D tensors also channels-last; anything else →
 *       float32. The bfloat16 arrays report {@code DataType.UNKNOWN} to DJL; they only flow
 *       through native ops.
 * </ul>
 */
public final class TensorCasts implements AutoCloseable {

    private final String name;
    private final Model module;
    private final ParameterStore ps;

    private TensorCasts(String name, Model module) {
        this.name = name;
        this.module = module;
        this.ps = new ParameterStore(module.getNDManager(), false);
    }

    /** float32, 4-D tensors channels-last: {@link Precision#FP32} inference. */
    public static TensorCasts channelsLast() {
        return load("channels-last");
    }

    /** bfloat16 (channels-last) in, float32 out: {@link Precision#BF16} inference. */
    public static TensorCasts bf16() {
        return load("bf16-cast");
    }

    private static TensorCasts load(String name) {
        return new TensorCasts(name, ScriptedModules.load(TensorCasts.class, name));
    }

    /** What goes into the encoder (images, its parameters), converted; in {@code x}'s manager. */
    public NDArray in(NDArray x) {
        return convert(x);
    }

    /**
     * The conversion as part of the gradient's graph, for training: the module runs in training
     * mode, so gradients flow back through it (converted back to the input's format) and autograd
     * can save the result ({@link #in}'s inference-mode tensors it cannot). Use an instance either
     * for this or for {@link #in}/{@link #out}: switching modes costs a call each time. With
     * {@link #bf16()}: float32 in → bfloat16, anything else → float32.
     */
    public NDArray inGraph(NDArray x) {
        NDArray y = module.getBlock().forward(ps, new NDList(x), true).head();
        y.attach(x.getManager());
        return y;
    }

    /** What comes out of the encoder (regions, global vector), back to float32 if it was not. */
    public NDArray out(NDArray x) {
        return convert(x);
    }

    private NDArray convert(NDArray x) {
        NDArray y = module.getBlock().forward(ps, new NDList(x), false).head();
        y.attach(x.getManager()); // owned like its input, not by the module
        return y;
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public void close() {
        module.close();
    }
}

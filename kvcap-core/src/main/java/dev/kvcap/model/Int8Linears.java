package dev.kvcap.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Linear maps with int8 weights, for the decoding step at inference ({@link
 * KvmCaptionModel#decodeWith}, {@code --decoder-precision int8}): PyTorch's dynamic quantization.
 * Each weight matrix is quantized once, per output row (scale max|w_n| / 127), and packed for
 * fbgemm's int8 kernels; every call quantizes its input to uint8 from the input's own range,
 * multiplies in int8 and returns float32. A step then reads a quarter of the weight bytes, which
 * is most of its time at batch 1 (docs/BENCHMARKS.md, lever 12).
 *
 * <p>DJL 0.36 cannot make quantized tensors, so both halves run in TorchScript modules shipped in
 * the jar ({@link ScriptedModules}, written by {@code bench/pytorch/int8_linear.py}), and the
 * packed weights stay opaque TorchScript values that this object owns and frees on {@link
 * #close}. Thread-safe: the packed weights are only read.
 */
public final class Int8Linears implements AutoCloseable {

    private final Model packModule;
    private final Model linearModule;
    private final IValue reduceRange;
    private final List<Weights> packed = new ArrayList<>();

    private Int8Linears() {
        packModule = ScriptedModules.load(Int8Linears.class, "int8-pack");
        try {
            linearModule = ScriptedModules.load(Int8Linears.class, "int8-linear");
        } catch (RuntimeException e) {
            packModule.close();
            throw e;
        }
        reduceRange = IValue.from(!cpuHasVnni());
    }

    /** Loads the two modules. */
    public static Int8Linears load() {
        return new Int8Linears();
    }

    /**
     * Whether the CPU has AVX-512 VNNI, whose int8 products sum in 32 bits and cannot saturate;
     * without it (AVX-VNNI alone included: fbgemm then runs its AVX2 kernels, with 16-bit
     * intermediate sums) inputs are quantized to 7 bits, PyTorch's default for fbgemm. The same
     * test as PyTorch's own {@code is_cpu_support_vnni}. Read from /proc/cpuinfo; false where
     * that cannot be read.
     */
    static boolean cpuHasVnni() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return line.contains(" avx512_vnni");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: the safe setting
        }
        return false;
    }

    /**
     * Quantizes and packs weight [N, K] with bias [N] (float32, on the CPU; the arrays are not
     * kept).
     */
    public synchronized Weights pack(NDArray weight, NDArray bias) {
        if (!Device.Type.CPU.equals(weight.getDevice().getDeviceType())) {
            throw new IllegalArgumentException(
                    "the int8 decoder runs on the CPU only (fbgemm); this model is on " + weight.getDevice());
        }
        try (IValue w = IValue.from((PtNDArray) weight);
                IValue b = IValue.from((PtNDArray) bias)) {
            Weights p = new Weights(this, ((PtSymbolBlock) packModule.getBlock()).forward(w, b));
            packed.add(p);
            return p;
        }
    }

    /** x Wᵀ + b: [.., K] → [.., N] float32, owned by x's manager. */
    NDArray apply(NDArray x, Weights weights) {
        try (IValue in = IValue.from((PtNDArray) x);
                IValue out =
                        ((PtSymbolBlock) linearModule.getBlock()).forward(in, weights.handle, reduceRange)) {
            return out.toTensor((PtNDManager) x.getManager());
        }
    }

    @Override
    public synchronized void close() {
        for (Weights p : packed) {
            p.handle.close();
        }
        packed.clear();
        reduceRange.close();
        packModule.close();
        linearModule.close();
    }

    /** One packed weight matrix; freed with the {@link Int8Linears} that made it. */
    public static final class Weights {
        private final Int8Linears owner;
        private final IValue handle;

        private Weights(Int8Linears owner, IValue handle) {
            this.owner = owner;
            this.handle = handle;
        }

        /** x Wᵀ + b: [.., K] → [.., N]. */
        public NDArray apply(NDArray x) {
            return owner.apply(x, this);
        }
    }
}

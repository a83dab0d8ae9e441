package dev.kvcap.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.kvcap.model.Ops;
import dev.kvcap.model.ScriptedModules;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Adam with decoupled weight decay and global-norm gradient clipping.
 *
 * <p>Written here rather than taken from DJL's {@code Adam} because resuming a run exactly needs
 * the moment estimates saved and restored, which DJL's optimizer keeps private. The update itself
 * runs in a small TorchScript module shipped in the jar ({@code adamw-step.pt}, written by {@code
 * bench/pytorch/adamw_step.py}, which also states the formula): one call for all parameters, with
 * torch's fused {@code add_(alpha)}, {@code addcmul_} and {@code addcdiv_}, which DJL lacks, slice by
 * slice of {@link #CHUNK} elements. That halves the passes over the weights (counted) and keeps
 * them in cache: for {@code vgg16} the update went from 3.6 s to about 0.5 s (docs/BENCHMARKS.md,
 * lever 7).
 */
public final class AdamW {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;
    /**
     * Elements updated together: every pass of the update over a 1 MiB slice of each tensor stays
     * in cache, so a large parameter is read and written about once instead of once per pass
     * (lever 7: the vgg16 update took 1.1 s whole and 0.45–0.49 s in slices of 2^16 to 2^20).
     */
    private static final int CHUNK = 1 << 18;

    private final List<Pair<String, Parameter>> params = new ArrayList<>();
    private final PtNDArray[] means;
    private final PtNDArray[] variances;
    private final Model module;
    private final PtSymbolBlock update;
    private final float weightDecay;
    private final float clipNorm;
    private long steps;
    private long skipped;

    /**
     * @param parameters trainable parameters (those that require gradients)
     * @param manager owns the moment estimates and the scripted update (closing it frees both)
     */
    public AdamW(PairList<String, Parameter> parameters, NDManager manager, float weightDecay, float clipNorm) {
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        for (Pair<String, Parameter> p : parameters) {
            if (p.getValue().requiresGradient()) {
                params.add(p);
            }
        }
        means = new PtNDArray[params.size()];
        variances = new PtNDArray[params.size()];
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i).getValue().getArray();
            means[i] = (PtNDArray) manager.zeros(w.getShape(), w.getDataType());
            variances[i] = (PtNDArray) manager.zeros(w.getShape(), w.getDataType());
        }
        module = ScriptedModules.load(AdamW.class, "adamw-step");
        manager.attachInternal("adamw-step-" + UUID.randomUUID(), module);
        update = (PtSymbolBlock) module.getBlock();
    }

    public long steps() {
        return steps;
    }

    /** Updates skipped because the gradient was not finite. */
    public long skipped() {
        return skipped;
    }

    /**
     * One update from the gradients of the last backward pass, which are then zeroed.
     *
     * @return the global gradient norm before clipping
     */
    public float step(float learningRate) {
        // Every temporary here (gradient handles, the returned norm) would otherwise attach to the
        // parameters' long-lived manager and pile up step after step.
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return update(learningRate);
        }
    }

    private float update(float learningRate) {
        PtNDArray[] weights = new PtNDArray[params.size()];
        PtNDArray[] grads = new PtNDArray[params.size()];
        for (int i = 0; i < weights.length; i++) {
            NDArray w = params.get(i).getValue().getArray();
            weights[i] = (PtNDArray) w;
            grads[i] = (PtNDArray) w.getGradient();
        }
        double[] hyper = {learningRate, weightDecay, clipNorm, steps + 1, BETA1, BETA2, EPS, CHUNK};
        float norm;
        try (IValue w = IValue.listFrom(weights);
                IValue g = IValue.listFrom(grads);
                IValue m = IValue.listFrom(means);
                IValue v = IValue.listFrom(variances);
                IValue h = IValue.listFrom(hyper);
                IValue out = update.forward(w, g, m, v, h)) {
            norm = out.toTensor((PtNDManager) weights[0].getManager()).getFloat();
        }
        if (Float.isFinite(norm)) {
            steps++;
        } else {
            skipped++; // a non-finite gradient would poison every parameter: only zeroed, skipped
        }
        return norm;
    }

    /** Writes step count and moments (named after their parameters). */
    public void save(OutputStream out) throws IOException {
        NDList state = new NDList();
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).getKey();
            means[i].setName("m." + name);
            variances[i].setName("v." + name);
            state.add(means[i]);
            state.add(variances[i]);
        }
        NDArray count = means.length == 0 ? null : means[0].getManager().create(new long[] {steps});
        if (count != null) {
            count.setName("steps");
            state.add(count);
        }
        state.encode(out);
        if (count != null) {
            count.close();
        }
    }

    /** Restores what {@link #save} wrote; the parameter list must be the same. */
    public void load(InputStream in) throws IOException {
        NDManager manager = means[0].getManager();
        NDList state = NDList.decode(manager, in);
        if (state.size() != 2 * params.size() + 1) {
            throw new IOException("optimizer state does not match this model's parameters");
        }
        for (int i = 0; i < params.size(); i++) {
            Ops.assign(means[i], state.get(2 * i));
            Ops.assign(variances[i], state.get(2 * i + 1));
        }
        steps = state.get(state.size() - 1).getLong();
        state.close();
    }
}

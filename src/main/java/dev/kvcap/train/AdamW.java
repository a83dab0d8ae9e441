package dev.kvcap.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam with decoupled weight decay and global-norm gradient clipping.
 *
 * <p>Written here rather than taken from DJL's {@code Adam} because resuming a run exactly needs
 * the moment estimates saved and restored, which DJL's optimizer keeps private.
 */
public final class AdamW {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final List<Pair<String, Parameter>> params = new ArrayList<>();
    private final List<NDArray> means = new ArrayList<>();
    private final List<NDArray> variances = new ArrayList<>();
    private final float weightDecay;
    private final float clipNorm;
    private long steps;
    private long skipped;

    /**
     * @param parameters trainable parameters (those that require gradients)
     * @param manager owns the moment estimates
     */
    public AdamW(PairList<String, Parameter> parameters, NDManager manager, float weightDecay, float clipNorm) {
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        for (Pair<String, Parameter> p : parameters) {
            if (p.getValue().requiresGradient()) {
                params.add(p);
                NDArray w = p.getValue().getArray();
                means.add(manager.zeros(w.getShape(), w.getDataType()));
                variances.add(manager.zeros(w.getShape(), w.getDataType()));
            }
        }
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
        // Every temporary here (gradient handles, squares, updates) would otherwise attach to the
        // parameters' long-lived manager and pile up step after step.
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return update(learningRate);
        }
    }

    private float update(float learningRate) {
        List<NDArray> grads = new ArrayList<>(params.size());
        double sq = 0;
        for (Pair<String, Parameter> p : params) {
            NDArray g = p.getValue().getArray().getGradient();
            grads.add(g);
            try (NDArray s = g.square().sum()) {
                sq += s.getFloat();
            }
        }
        float norm = (float) Math.sqrt(sq);
        if (!Float.isFinite(norm)) {
            // A non-finite gradient would poison every parameter: skip this update, keep going.
            skipped++;
            for (NDArray g : grads) {
                g.subi(g);
            }
            return norm;
        }
        float scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1f;
        steps++;
        double c1 = 1 - Math.pow(BETA1, steps);
        double c2 = 1 - Math.pow(BETA2, steps);
        float stepSize = (float) (learningRate * Math.sqrt(c2) / c1);
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i).getValue().getArray();
            NDArray g = grads.get(i);
            if (scale != 1f) {
                g.muli(scale);
            }
            NDArray m = means.get(i);
            NDArray v = variances.get(i);
            m.muli(BETA1);
            try (NDArray t = g.mul(1 - BETA1)) {
                m.addi(t);
            }
            v.muli(BETA2);
            try (NDArray t = g.square().muli(1 - BETA2)) {
                v.addi(t);
            }
            if (weightDecay > 0) {
                w.muli(1 - learningRate * weightDecay);
            }
            try (NDArray denom = v.sqrt().addi(EPS * Math.sqrt(c2));
                    NDArray upd = m.div(denom).muli(stepSize)) {
                w.subi(upd);
            }
            g.subi(g);
        }
        return norm;
    }

    /** Writes step count and moments (named after their parameters). */
    public void save(OutputStream out) throws IOException {
        NDList state = new NDList();
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).getKey();
            means.get(i).setName("m." + name);
            variances.get(i).setName("v." + name);
            state.add(means.get(i));
            state.add(variances.get(i));
        }
        NDArray count = means.isEmpty() ? null : means.get(0).getManager().create(new long[] {steps});
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
        NDManager manager = means.get(0).getManager();
        NDList state = NDList.decode(manager, in);
        if (state.size() != 2 * params.size() + 1) {
            throw new IOException("optimizer state does not match this model's parameters");
        }
        for (int i = 0; i < params.size(); i++) {
            means.get(i).set(state.get(2 * i).toFloatArray());
            variances.get(i).set(state.get(2 * i + 1).toFloatArray());
        }
        steps = state.get(state.size() - 1).getLong();
        state.close();
    }
}

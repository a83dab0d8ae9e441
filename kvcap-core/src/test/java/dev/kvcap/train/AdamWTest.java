package dev.kvcap.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class AdamWTest {

    private static final float[] X = {0.5f, -1f, 2f, 0.25f}; // the input [1, 4]

    /** A linear layer 4 → 3 whose gradients are known: dW = cᵀx, db = c for loss = Σ c·(Wx + b). */
    private static Linear layer(NDManager m) {
        Linear layer = Linear.builder().setUnits(3).build();
        layer.initialize(m, DataType.FLOAT32, new Shape(1, 4));
        return layer;
    }

    private static void backward(NDManager m, Linear layer, float[] c) {
        ParameterStore ps = new ParameterStore(m, false);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = layer.forward(ps, new NDList(m.create(X, new Shape(1, 4))), true).head();
            gc.backward(y.mul(m.create(c, new Shape(1, 3))).sum());
        }
    }

    /** The update of AdamW's javadoc, in doubles, for one flat parameter. */
    private static final class Reference {
        final double[] w;
        final double[] m;
        final double[] v;

        Reference(float[] w) {
            this.w = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                this.w[i] = w[i];
            }
            m = new double[w.length];
            v = new double[w.length];
        }

        void step(double[] g, double k, int t, double lr, double wd) {
            double c1 = 1 - Math.pow(0.9f, t);
            double c2 = 1 - Math.pow(0.999f, t);
            for (int i = 0; i < w.length; i++) {
                m[i] = 0.9f * m[i] + (1 - 0.9f) * k * g[i];
                v[i] = 0.999f * v[i] + (1 - 0.999f) * k * k * g[i] * g[i];
                w[i] = w[i] * (1 - lr * wd) - lr * Math.sqrt(c2) / c1 * m[i] / (Math.sqrt(v[i]) + 1e-8f * Math.sqrt(c2));
            }
        }
    }

    private static void assertClose(double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 + 1e-5 * Math.abs(expected[i]), "element " + i);
        }
    }

    @Test
    void updatesFollowAdamWithClippingAndDecoupledDecay() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear layer = layer(m);
            NDArray weight = layer.getParameters().get("weight").getArray();
            NDArray bias = layer.getParameters().get("bias").getArray();
            Reference rw = new Reference(weight.toFloatArray());
            Reference rb = new Reference(bias.toFloatArray());
            AdamW opt = new AdamW(layer.getParameters(), m, 0.1f, 1.5f);
            // Gradient norms 5.7, 0.6 and 7.9: steps 1 and 3 are clipped, step 2 is not.
            float[][] cs = {{1f, -2f, 0.5f}, {0.1f, 0.2f, -0.1f}, {3f, 0f, -1f}};
            for (int t = 1; t <= cs.length; t++) {
                float[] c = cs[t - 1];
                double[] gw = new double[12];
                double[] gb = new double[3];
                double sq = 0;
                for (int o = 0; o < 3; o++) {
                    gb[o] = c[o];
                    sq += gb[o] * gb[o];
                    for (int i = 0; i < 4; i++) {
                        gw[o * 4 + i] = (double) c[o] * X[i];
                        sq += gw[o * 4 + i] * gw[o * 4 + i];
                    }
                }
                double norm = Math.sqrt(sq);
                double k = norm > 1.5 ? 1.5 / norm : 1;
                backward(m, layer, c);
                assertEquals(norm, opt.step(0.05f), 1e-4 * norm, "step " + t + " returns the norm before clipping");
                rw.step(gw, k, t, 0.05f, 0.1f);
                rb.step(gb, k, t, 0.05f, 0.1f);
                assertClose(rw.w, weight.toFloatArray());
                assertClose(rb.w, bias.toFloatArray());
                assertArrayEquals(new float[12], weight.getGradient().toFloatArray(), "gradients are zeroed");
            }
            assertEquals(3, opt.steps());
        }
    }

    @Test
    void aNonFiniteGradientIsSkippedAndZeroedSoTheNextStepStillLearns() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear layer = layer(m);
            NDArray weight = layer.getParameters().get("weight").getArray();
            float[] before = weight.toFloatArray();
            AdamW opt = new AdamW(layer.getParameters(), m, 0f, 1f);
            backward(m, layer, new float[] {Float.NaN, 1f, 1f});
            assertTrue(Float.isNaN(opt.step(0.1f)));
            assertEquals(1, opt.skipped());
            assertEquals(0, opt.steps());
            assertArrayEquals(before, weight.toFloatArray(), "a skipped step changes no weight");
            assertArrayEquals(new float[12], weight.getGradient().toFloatArray(), "the NaN gradient is gone");
            backward(m, layer, new float[] {1f, 1f, 1f});
            assertTrue(Float.isFinite(opt.step(0.1f)));
            assertEquals(1, opt.steps());
            float[] after = weight.toFloatArray();
            for (int i = 0; i < after.length; i++) {
                assertTrue(Float.isFinite(after[i]) && after[i] != before[i], "weight " + i + " learned: " + after[i]);
            }
        }
    }

    @Test
    void savedMomentsResumeTheSameUpdates() throws IOException {
        float[] c = {0.3f, -0.7f, 1.1f};
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            Linear a = layer(m);
            Linear b = layer(m);
            b.getParameters().forEach(p -> p.getValue().getArray().set(a.getParameters().get(p.getKey()).getArray().toFloatArray()));
            AdamW optA = new AdamW(a.getParameters(), m, 0f, 0f);
            AdamW optB = new AdamW(b.getParameters(), m, 0f, 0f);
            for (int t = 0; t < 2; t++) {
                backward(m, a, c);
                optA.step(0.01f);
            }
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            optA.save(saved);
            optB.load(new ByteArrayInputStream(saved.toByteArray()));
            b.getParameters().forEach(p -> p.getValue().getArray().set(a.getParameters().get(p.getKey()).getArray().toFloatArray()));
            backward(m, a, c);
            optA.step(0.01f);
            backward(m, b, c);
            optB.step(0.01f);
            assertArrayEquals(
                    a.getParameters().get("weight").getArray().toFloatArray(),
                    b.getParameters().get("weight").getArray().toFloatArray());
            assertEquals(optA.steps(), optB.steps());
        }
    }
}

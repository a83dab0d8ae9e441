package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class StrideTwoDeconvTest {

    private static final int B = 2;
    private static final int C = 3;
    private static final int F = 2;
    private static final int N = 4;

    /**
     * The definition the parameters were trained under, in plain loops: insert a zero after every
     * pixel, convolve with K (padding 2), keep the first 2N rows and columns.
     */
    private static float[] zeroInsertedConvolution(float[] x, float[] k, float[] bias) {
        int m = 2 * N;
        float[] y = new float[B * F * m * m];
        for (int b = 0; b < B; b++) {
            for (int f = 0; f < F; f++) {
                for (int oy = 0; oy < m; oy++) {
                    for (int ox = 0; ox < m; ox++) {
                        double sum = bias[f];
                        for (int c = 0; c < C; c++) {
                            for (int ky = 0; ky < 4; ky++) {
                                for (int kx = 0; kx < 4; kx++) {
                                    int dy = oy + ky - 2; // row of the zero-inserted input
                                    int dx = ox + kx - 2;
                                    if (dy < 0 || dx < 0 || dy % 2 != 0 || dx % 2 != 0 || dy / 2 >= N || dx / 2 >= N) {
                                        continue; // padding or an inserted zero
                                    }
                                    sum += x[((b * C + c) * N + dy / 2) * N + dx / 2] * k[((f * C + c) * 4 + ky) * 4 + kx];
                                }
                            }
                        }
                        y[((b * F + f) * m + oy) * m + ox] = (float) sum;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void thePhaseConvolutionEqualsTheZeroInsertedDefinition() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            StrideTwoDeconv deconv = new StrideTwoDeconv(F);
            deconv.initialize(m, DataType.FLOAT32, new Shape(B, C, N, N));
            deconv.bias().set(new float[] {0.5f, -0.25f});
            NDArray x = m.randomNormal(new Shape(B, C, N, N));
            NDArray y = deconv.forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertEquals(new Shape(B, F, 2 * N, 2 * N), y.getShape());
            float[] expected = zeroInsertedConvolution(x.toFloatArray(), deconv.kernel().toFloatArray(), deconv.bias().toFloatArray());
            assertArrayEquals(expected, y.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void gradientsReachTheKernelThroughThePhases() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(12);
            StrideTwoDeconv deconv = new StrideTwoDeconv(F);
            deconv.initialize(m, DataType.FLOAT32, new Shape(B, C, N, N));
            NDArray x = m.randomNormal(new Shape(B, C, N, N));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(deconv.forward(new ParameterStore(m, false), new NDList(x), true).head().sum());
            }
            // d(Σy)/dK[f, c, ky, kx] = Σ over the outputs that tap (ky, kx) of the input they read.
            float[] grad = deconv.kernel().getGradient().toFloatArray();
            float[] xs = x.toFloatArray();
            for (int tap = 0; tap < 16; tap++) {
                float[] k = new float[F * C * 16];
                k[tap] = 1f; // filter 0, channel 0, this tap
                float[] y = zeroInsertedConvolution(xs, k, new float[F]);
                double sum = 0;
                for (int i = 0; i < y.length; i++) {
                    sum += y[i];
                }
                assertEquals(sum, grad[tap], 1e-4, "tap " + tap);
            }
        }
    }

    @Test
    void whileGradientsAreRecordedThePhaseProductGivesTheSameOutputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(13);
            StrideTwoDeconv deconv = new StrideTwoDeconv(F);
            deconv.initialize(m, DataType.FLOAT32, new Shape(B, C, N, N));
            NDArray x = m.randomNormal(new Shape(B, C, N, N));
            float[] byConvolution = deconv.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
            float[] byProduct;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                byProduct = deconv.forward(new ParameterStore(m, false), new NDList(x), true).head().toFloatArray();
            }
            assertArrayEquals(byConvolution, byProduct, 1e-5f);
        }
    }

    @Test
    void theBackwardPassIsFiniteAndRepeatsForTheShapesOneDnnGotWrong() {
        // 8 channels in, 4 phases out, 16×16, batch 24: oneDNN's backward gave non-finite
        // gradients in many calls on an AMD EPYC (docs/REAL-DATA.md)
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(24, 8, 16, 16));
            NDArray k = m.randomNormal(new Shape(4, 8, 2, 2));
            NDArray bias = m.randomNormal(new Shape(4));
            NDArray up = m.randomNormal(new Shape(24, 4, 17, 17));
            x.setRequiresGradient(true);
            k.setRequiresGradient(true);
            float[] first = null;
            for (int i = 0; i < 20; i++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(StrideTwoDeconv.phaseProduct(x, k, bias).mul(up).sum());
                }
                float[] g = k.getGradient().toFloatArray();
                for (float v : g) {
                    org.junit.jupiter.api.Assertions.assertTrue(Float.isFinite(v), "call " + i);
                }
                if (first == null) {
                    first = g.clone();
                } else {
                    assertArrayEquals(first, g, "call " + i);
                }
                k.getGradient().subi(k.getGradient());
                x.getGradient().subi(x.getGradient());
            }
        }
    }
}

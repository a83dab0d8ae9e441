package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import org.junit.jupiter.api.Test;

class LstmCellTest {

    private static final int B = 3;
    private static final int I = 5;
    private static final int H = 6;

    /**
     * PyTorch's LSTM step in plain loops, from DJL's parameter arrays: gates = W_ih x + b_ih + W_hh h
     * + b_hh in the order i, f, g, o; c' = σ(f)c + σ(i)tanh(g); h' = σ(o)tanh(c'). Returns h' then
     * c', each [B, H] row-major.
     *
     * <p>Why not DJL's {@code LSTM.forward} as the reference: on AMD EPYC CPUs with AVX-512 the
     * fused kernel it calls (oneDNN's RNN) returns wrong states, off by up to 0.3 (docs/REAL-DATA.md);
     * with {@code ONEDNN_MAX_CPU_ISA=AVX2} it agrees with these loops. kvcap never calls it.
     */
    private static float[][] reference(LSTM lstm, float[] x, float[] h, float[] c) {
        float[] wi = null;
        float[] wh = null;
        float[] bi = null;
        float[] bh = null;
        for (Parameter p : lstm.getDirectParameters().values()) {
            float[] v = p.getArray().toFloatArray();
            boolean bias = p.getName().contains("BIAS");
            if (p.getName().contains("i2h")) {
                wi = bias ? wi : v;
                bi = bias ? v : bi;
            } else {
                wh = bias ? wh : v;
                bh = bias ? v : bh;
            }
        }
        float[] hNext = new float[B * H];
        float[] cNext = new float[B * H];
        for (int b = 0; b < B; b++) {
            double[] gates = new double[4 * H];
            for (int j = 0; j < 4 * H; j++) {
                double s = bi[j] + bh[j];
                for (int k = 0; k < I; k++) {
                    s += wi[j * I + k] * x[b * I + k];
                }
                for (int k = 0; k < H; k++) {
                    s += wh[j * H + k] * h[b * H + k];
                }
                gates[j] = s;
            }
            for (int j = 0; j < H; j++) {
                double in = sigmoid(gates[j]);
                double forget = sigmoid(gates[H + j]);
                double cell = Math.tanh(gates[2 * H + j]);
                double out = sigmoid(gates[3 * H + j]);
                double cn = forget * c[b * H + j] + in * cell;
                cNext[b * H + j] = (float) cn;
                hNext[b * H + j] = (float) (out * Math.tanh(cn));
            }
        }
        return new float[][] {hNext, cNext};
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    @Test
    void writtenOutStepMatchesPyTorchsLstmFormulaOnDjlsParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            LSTM lstm =
                    LSTM.builder().setStateSize(H).setNumLayers(1).optBatchFirst(true).optReturnState(true).build();
            lstm.setInitializer(new NormalInitializer(0.5f), Parameter.Type.BIAS);
            lstm.initialize(m, DataType.FLOAT32, new Shape(B, 1, I));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(B, I));
            NDArray h = m.randomNormal(new Shape(B, H));
            NDArray c = m.randomNormal(new Shape(B, H));

            float[][] expected = reference(lstm, x.toFloatArray(), h.toFloatArray(), c.toFloatArray());
            NDList actual = new LstmCell(lstm).step(ps, x, h, c, false);

            assertArrayEquals(expected[0], actual.get(0).toFloatArray(), 1e-5f); // h'
            assertArrayEquals(expected[1], actual.get(1).toFloatArray(), 1e-5f); // c'
        }
    }

    @Test
    void aJoinedStepMakesTheSameStepAsTwoProducts() {
        try (NDManager m = NDManager.newBaseManager()) {
            LSTM lstm = initialisedLstm(m);
            NDArray x = m.randomNormal(new Shape(B, I));
            NDArray h = m.randomNormal(new Shape(B, H));
            NDArray c = m.randomNormal(new Shape(B, H));
            float[][] expected = reference(lstm, x.toFloatArray(), h.toFloatArray(), c.toFloatArray());

            LstmCell cell = new LstmCell(lstm);
            cell.join();
            NDList actual = cell.joinedStep(new NDList(x.get(":, 0:2"), x.get(":, 2:"), h), c, null);

            assertArrayEquals(expected[0], actual.get(0).toFloatArray(), 1e-5f);
            assertArrayEquals(expected[1], actual.get(1).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void aJoinedStepTakesTheLastColumnsAsFixedGates() {
        assertJoinedStepWithFixedColumns(3, I); // as the memory's controller: the image vector last
    }

    @Test
    void aJoinedStepTakesMiddleColumnsAsFixedGates() {
        assertJoinedStepWithFixedColumns(1, 3); // as LSTM-1: [h2, global, word]
    }

    /** A step joined without the input's columns [from, to), whose gates are made apart, equals PyTorch's step. */
    private static void assertJoinedStepWithFixedColumns(int from, int to) {
        try (NDManager m = NDManager.newBaseManager()) {
            LSTM lstm = initialisedLstm(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(B, I));
            NDArray h = m.randomNormal(new Shape(B, H));
            NDArray c = m.randomNormal(new Shape(B, H));
            float[][] expected = reference(lstm, x.toFloatArray(), h.toFloatArray(), c.toFloatArray());

            LstmCell cell = new LstmCell(lstm);
            NDArray fixed = cell.fixedGates(ps, x.get(":, " + from + ":" + to), from, false); // once per image
            cell.join(from, to);
            NDList parts = new NDList(x.get(":, 0:" + from));
            if (to < I) {
                parts.add(x.get(":, " + to + ":"));
            }
            parts.add(h);
            NDList actual = cell.joinedStep(parts, c, fixed);

            assertArrayEquals(expected[0], actual.get(0).toFloatArray(), 1e-5f);
            assertArrayEquals(expected[1], actual.get(1).toFloatArray(), 1e-5f);
        }
    }

    private static LSTM initialisedLstm(NDManager m) {
        LSTM lstm = LSTM.builder().setStateSize(H).setNumLayers(1).optBatchFirst(true).optReturnState(true).build();
        lstm.setInitializer(new NormalInitializer(0.5f), Parameter.Type.BIAS);
        lstm.initialize(m, DataType.FLOAT32, new Shape(B, 1, I));
        return lstm;
    }
}

package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.junit.jupiter.api.Test;

class Int8LinearsTest {

    @Test
    void anInt8ProductIsTheFloatProductWithinQuantizationError() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager m = NDManager.newBaseManager(); Int8Linears int8 = Int8Linears.load()) {
            // rows of very different scales, 16 of each: per-row scales keep the small rows accurate
            // too (one scale for the whole matrix gives the 0.01 rows a relative error near 1)
            NDArray rowScale = m.create(new float[] {0.01f, 1f, 0.1f, 3f}).repeat(0, 16).reshape(64, 1);
            NDArray w = m.randomNormal(new Shape(64, 48)).mul(rowScale);
            NDArray b = m.randomNormal(new Shape(64));
            NDArray x = m.randomNormal(new Shape(3, 48));
            float[] exact = Linear.linear(x, w, b).head().toFloatArray();
            NDArray y = int8.pack(w, b).apply(x);

            assertEquals(new Shape(3, 64), y.getShape());
            float[] approx = y.toFloatArray();
            for (int scale = 0; scale < 4; scale++) {
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < 3; i++) {
                    for (int j = scale * 16; j < scale * 16 + 16; j++) { // the rows of that scale, minus bias
                        double e = exact[i * 64 + j] - b.getFloat(j);
                        diff += Math.pow(approx[i * 64 + j] - exact[i * 64 + j], 2);
                        norm += e * e;
                    }
                }
                double relative = Math.sqrt(diff / norm);
                assertTrue(relative < 0.03, "row scale " + scale + ": relative error " + relative);
                assertTrue(relative > 0, "the product did run in int8");
            }
        }
    }

    @Test
    void packedWeightsDoNotFollowLaterChangesOfTheArray() {
        try (NDManager m = NDManager.newBaseManager(); Int8Linears int8 = Int8Linears.load()) {
            NDArray w = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray b = m.zeros(new Shape(2));
            Int8Linears.Weights packed = int8.pack(w, b);
            w.muli(10);
            float[] y = packed.apply(m.create(new float[] {1, 1}, new Shape(1, 2))).toFloatArray();
            assertEquals(3, y[0], 0.1);
            assertEquals(7, y[1], 0.1);
        }
    }
}

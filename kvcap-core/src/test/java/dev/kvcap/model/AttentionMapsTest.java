package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class AttentionMapsTest {

    @Test
    void mapsAreDistributionsAndStartAsASmoothUpsamplingOfTheLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            AttentionMaps maps = new AttentionMaps(8, 4);
            maps.initialize(m, DataType.FLOAT32, new Shape(1, 64));
            maps.initBilinear();
            float[] logits = new float[64];
            logits[3 * 8 + 5] = 6f; // a peak at row 3, column 5
            NDList out = maps.forward(new ParameterStore(m, false), new NDList(m.create(logits, new Shape(1, 64))), false);
            float[] regions = out.get(0).toFloatArray();
            float[] pixels = out.get(1).toFloatArray();
            assertEquals(64, regions.length);
            assertEquals(32 * 32, pixels.length);
            assertEquals(1f, sum(regions), 1e-4f);
            assertEquals(1f, sum(pixels), 1e-4f);
            assertEquals(3 * 8 + 5, argmax(regions));
            assertTrue(regions[3 * 8 + 5] > 10f / 64, "peak weight " + regions[3 * 8 + 5]);
            int hottest = argmax(pixels);
            assertEquals(3, hottest / 32 / 4, "hottest pixel row block");
            assertEquals(5, hottest % 32 / 4, "hottest pixel column block");
        }
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }

    private static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }
}

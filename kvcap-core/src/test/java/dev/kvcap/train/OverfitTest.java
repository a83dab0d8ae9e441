package dev.kvcap.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.Presets;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.TensorCasts;
import org.junit.jupiter.api.Test;

class OverfitTest {

    /** Losses of {@code steps} AdamW steps on one fixed tiny batch (seeded). */
    private static float[] train(int steps, long seed) {
        return train(steps, seed, null);
    }

    /** The same, with the encoder's convolutions trained through {@code casts} (null: float32). */
    private static float[] train(int steps, long seed, TensorCasts casts) {
        Engine.getInstance().setRandomSeed((int) seed);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), 20);
            model.initialize(m);
            model.trainWith(casts);
            AdamW opt = new AdamW(model.getParameters(), m, 0f, 5f);
            NDArray images = m.randomNormal(new Shape(4, 3, 32, 32));
            NDArray tokens = m.randomInteger(4, 20, new Shape(4, 7), DataType.INT64);
            NDList in = new NDList(images, tokens.get(":, :-1"));
            NDArray targets = tokens.get(":, 1:");
            ParameterStore ps = new ParameterStore(m, false);
            float[] losses = new float[steps];
            for (int i = 0; i < steps; i++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = CaptionLoss.of(model.forward(ps, in, true).head(), targets);
                    gc.backward(l);
                    losses[i] = l.getFloat();
                }
                opt.step(1e-2f);
            }
            assertEquals(0, opt.skipped(), "no update may be skipped for a non-finite gradient");
            return losses;
        }
    }

    @Test
    void aTinyBatchOverfitsToNearZeroLoss() {
        float[] losses = train(150, 3);
        assertTrue(losses[0] > 2.5f, "first loss " + losses[0]);
        assertTrue(losses[losses.length - 1] < 0.05f, "final loss " + losses[losses.length - 1]);
    }

    @Test
    void aTinyBatchOverfitsWithTheConvolutionsInBf16Too() {
        try (TensorCasts bf16 = TensorCasts.bf16()) {
            float[] mixed = train(150, 3, bf16);
            float[] full = train(150, 3);
            assertEquals(full[0], mixed[0], 0.02f, "first loss: bf16 rounding only");
            assertTrue(mixed[mixed.length - 1] < 0.05f, "final loss " + mixed[mixed.length - 1]);
        }
    }

    @Test
    void seededTrainingStepsRepeatBitForBit() {
        assertEquals(java.util.Arrays.toString(train(40, 8)), java.util.Arrays.toString(train(40, 8)));
    }
}

package dev.kvcap.train;

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
import org.junit.jupiter.api.Test;

class OverfitTest {
    static dev.kvcap.config.ModelConfig cfg() {
        var m = Presets.tiny().model();
        String v = System.getProperty("variant", "");
        return new dev.kvcap.config.ModelConfig(m.imageSize(), m.encoderWidths(), m.convsPerStage(), !v.contains("nobn"), m.fcDims(), m.embedDim(), m.hiddenDim(), m.attnDim(), !v.contains("nomem"), m.memorySlots(), m.memoryValueDim(), m.memoryControllerDim(), !v.contains("nomaps"), m.deconvChannels(), m.dropout());
    }

    @Test
    void aTinyBatchOverfitsToNearZeroLoss() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(cfg(), 20);
            model.initialize(m);
            AdamW opt = new AdamW(model.getParameters(), m, 0f, 5f);
            NDArray images = m.randomNormal(new Shape(4, 3, 32, 32));
            NDArray tokens = m.randomInteger(4, 20, new Shape(4, 7), DataType.INT64);
            NDArray in = tokens.get(":, :-1");
            NDArray out = tokens.get(":, 1:");
            ParameterStore ps = new ParameterStore(m, false);
            float loss = 0;
            for (int i = 0; i < 200; i++) {
                try (NDManager step = m.newSubManager()) {
                    long t0 = System.nanoTime(); long t1, t2;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l = CaptionLoss.of(model.forward(ps, new NDList(images, in), true).head(), out);
                        loss = l.getFloat();
                        t1 = System.nanoTime();
                        gc.backward(l);
                        t2 = System.nanoTime();
                    }
                    float norm = opt.step(1e-2f);
                    long t3=System.nanoTime(); if (i % 20 == 0) System.out.println(i + " loss " + loss + " norm " + norm);
                }
            }
            assertTrue(loss < 0.05, "final loss " + loss);
        }
    }
}

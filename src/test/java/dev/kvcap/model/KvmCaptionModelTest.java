package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.Presets;
import dev.kvcap.config.ModelConfig;
import dev.kvcap.train.CaptionLoss;
import org.junit.jupiter.api.Test;

class KvmCaptionModelTest {

    @Test
    void teacherForcedPassGivesLogitsPerStepAndFirstLossIsLnV() {
        ModelConfig cfg = Presets.tiny().model();
        int v = 30;
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(cfg, v);
            model.initialize(m);
            NDArray images = m.randomNormal(new Shape(4, 3, 32, 32));
            NDArray tokens = m.randomInteger(1, v, new Shape(4, 6), DataType.INT64);
            NDArray logits = model.forward(new ParameterStore(m, false), new NDList(images, tokens), false).head();
            assertEquals(new Shape(4, 6, v), logits.getShape());
            float loss = CaptionLoss.of(logits, tokens).getFloat();
            System.out.println("loss " + loss + " lnV " + Math.log(v));
            assertEquals(Math.log(v), loss, 0.3);
        }
    }
}

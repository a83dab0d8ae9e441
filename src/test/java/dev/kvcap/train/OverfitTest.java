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
import dev.kvcap.config.ModelConfig;
import dev.kvcap.config.Presets;
import dev.kvcap.model.KvmCaptionModel;
import org.junit.jupiter.api.Test;

class OverfitTest {

    /**
     * The plain model (memory and deconvolution maps off). With both on, a sporadic non-finite
     * gradient in the memory's read path (open bug, see README "Known issues") makes AdamW skip
     * updates and this test flaky, so the full model is only checked by {@link
     * #theFullModelLearnsATinyBatch}.
     */
    @Test
    void aTinyBatchOverfitsToNearZeroLoss() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfig c = Presets.tiny().model();
            ModelConfig plain =
                    new ModelConfig(
                            c.imageSize(), c.encoderWidths(), c.convsPerStage(), c.batchNorm(),
                            c.fcDims(), c.embedDim(), c.hiddenDim(), c.attnDim(), false,
                            c.memorySlots(), c.memoryValueDim(), c.memoryControllerDim(), false,
                            c.deconvChannels(), c.dropout());
            KvmCaptionModel model = new KvmCaptionModel(plain, 20);
            model.initialize(m);
            AdamW opt = new AdamW(model.getParameters(), m, 0f, 5f);
            NDArray images = m.randomNormal(new Shape(4, 3, 32, 32));
            NDArray tokens = m.randomInteger(4, 20, new Shape(4, 7), DataType.INT64);
            NDList in = new NDList(images, tokens.get(":, :-1"));
            NDArray targets = tokens.get(":, 1:");
            ParameterStore ps = new ParameterStore(m, false);
            float first = 0;
            float loss = 0;
            for (int i = 0; i < 150; i++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = CaptionLoss.of(model.forward(ps, in, true).head(), targets);
                    gc.backward(l);
                    loss = l.getFloat();
                }
                opt.step(1e-2f);
                if (i == 0) {
                    first = loss;
                }
            }
            assertTrue(first > 2.5f, "first loss " + first);
            assertTrue(loss < 0.1f, "final loss " + loss);
        }
    }

    @Test
    void theFullModelLearnsATinyBatch() {
        Engine.getInstance().setRandomSeed(4);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), 20);
            model.initialize(m);
            AdamW opt = new AdamW(model.getParameters(), m, 0f, 5f);
            NDArray images = m.randomNormal(new Shape(4, 3, 32, 32));
            NDArray tokens = m.randomInteger(4, 20, new Shape(4, 7), DataType.INT64);
            NDList in = new NDList(images, tokens.get(":, :-1"));
            NDArray targets = tokens.get(":, 1:");
            ParameterStore ps = new ParameterStore(m, false);
            float first = Float.NaN;
            float last = Float.NaN;
            for (int i = 0; i < 5; i++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = CaptionLoss.of(model.forward(ps, in, true).head(), targets);
                    gc.backward(l);
                    last = l.getFloat();
                }
                opt.step(1e-2f);
                if (i == 0) {
                    first = last;
                }
            }
            assertTrue(last < first - 0.3f, first + " -> " + last);
        }
    }
}

package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.ConfigJson;
import dev.kvcap.config.ModelConfig;
import dev.kvcap.config.Presets;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.train.CaptionLoss;
import dev.kvcap.train.ModelStats;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvmCaptionModelTest {

    private static final int V = 30;

    private static NDList batch(NDManager m) {
        NDArray images = m.randomNormal(new Shape(4, 3, 32, 32));
        NDArray tokens = m.randomInteger(1, V, new Shape(4, 6), DataType.INT64);
        return new NDList(images, tokens);
    }

    @Test
    void teacherForcedPassGivesLogitsPerStepAndFirstLossIsLnV() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), V);
            model.initialize(m);
            NDList in = batch(m);
            NDArray logits = model.forward(new ParameterStore(m, false), in, false).head();
            assertEquals(new Shape(4, 6, V), logits.getShape());
            assertEquals(Math.log(V), CaptionLoss.of(logits, in.get(1)).getFloat(), 0.3);
        }
    }

    @Test
    void theTeacherForcedPassGivesTheLogitsOfDecodingWordByWord() {
        Engine.getInstance().setRandomSeed(2);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), V);
            model.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = batch(m);
            NDArray forced = model.forward(ps, in, false).head(); // [4, 6, V]
            ImageContext ctx = model.encode(ps, in.get(0), false);
            DecodeState state = model.start(ps, ctx, false);
            for (int t = 0; t < 6; t++) {
                KvmCaptionModel.StepOutput out = model.step(ps, ctx, in.get(1).get(":, " + t), state, false);
                assertArrayEquals(forced.get(":, " + t).toFloatArray(), out.logits().toFloatArray(), 1e-5f, "step " + t);
                state = out.state();
            }
        }
    }

    /** Gradients of the first loss of a fixed batch, by parameter name. */
    private static java.util.Map<String, float[]> gradients(TensorCasts casts) {
        Engine.getInstance().setRandomSeed(4);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), V);
            model.initialize(m);
            model.trainWith(casts);
            NDList in = batch(m);
            try (ai.djl.training.GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(new ParameterStore(m, false), new NDList(in.get(0), in.get(1).get(":, :-1")), true).head();
                gc.backward(CaptionLoss.of(logits, in.get(1).get(":, 1:")));
            }
            java.util.Map<String, float[]> g = new java.util.TreeMap<>();
            model.getParameters().forEach(p -> {
                NDArray w = p.getValue().getArray();
                assertEquals(DataType.FLOAT32, w.getDataType(), p.getKey() + " stays float32");
                if (p.getValue().requiresGradient()) { // not the batch norms' running statistics
                    g.put(p.getKey(), w.getGradient().toFloatArray());
                }
            });
            return g;
        }
    }

    @Test
    void mixedPrecisionTrainingGivesGradientsCloseToFloat32OnesForEveryParameter() {
        java.util.Map<String, float[]> full = gradients(null);
        java.util.Map<String, float[]> mixed;
        try (TensorCasts bf16 = TensorCasts.bf16()) {
            mixed = gradients(bf16);
        }
        assertEquals(full.keySet(), mixed.keySet());
        for (String name : full.keySet()) {
            float[] a = full.get(name);
            float[] b = mixed.get(name);
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < a.length; i++) {
                diff += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
                norm += (double) a[i] * a[i];
            }
            // bf16 keeps 8 bits of mantissa: the convolutions' gradients move by about a tenth.
            // The absolute floor covers gradients that are zero in exact arithmetic (a bias right
            // before a batch norm), where bf16 leaves noise of about 1e-4.
            assertTrue(
                    Math.sqrt(diff) <= 0.2 * Math.sqrt(norm) + 1e-3,
                    name + ": |float32 − mixed| " + Math.sqrt(diff) + " against |float32| " + Math.sqrt(norm));
        }
        String conv = full.keySet().stream().filter(k -> k.contains("conv1_1") && k.endsWith("weight")).findFirst().orElseThrow();
        assertTrue(!java.util.Arrays.equals(full.get(conv), mixed.get(conv)), "the convolutions did run in bf16");
    }

    @Test
    void parameterCountMatchesTheFormulaForTheConfig() {
        for (String memory : List.of("", "\"memoryControllerDim\":0", "\"memoryControllerDim\":0,\"memoryWrite\":false", "\"memoryWrite\":false")) {
            ModelConfig c = ConfigJson.fromJson("{\"preset\":\"tiny\",\"model\":{" + memory + "}}").model();
            try (NDManager m = NDManager.newBaseManager()) {
                KvmCaptionModel model = new KvmCaptionModel(c, V);
                model.initialize(m);
                assertEquals(expectedParameters(c, V), ModelStats.parameterCount(model), memory);
            }
        }
    }

    @Test
    void ablationSwitchesRemoveExactlyTheirParameters() {
        ModelConfig plain = withoutMemoryOrMaps(Presets.tiny().model());
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(plain, V);
            model.initialize(m);
            assertEquals(expectedParameters(plain, V), ModelStats.parameterCount(model));
            NDArray logits = model.forward(new ParameterStore(m, false), batch(m), false).head();
            assertEquals(new Shape(4, 6, V), logits.getShape());
        }
    }

    @Test
    void aProjectedGlobalVectorAddsOnlyItsLinearLayer() {
        ModelConfig c = Presets.tiny().model();
        ModelConfig projected =
                new ModelConfig(
                        c.imageSize(), c.encoderWidths(), c.convsPerStage(), c.batchNorm(), c.fcDims(),
                        c.embedDim(), c.hiddenDim(), c.attnDim(), c.useMemory(), c.memorySlots(),
                        c.memoryValueDim(), c.memoryControllerDim(), c.useDeconvMaps(), c.deconvChannels(),
                        c.dropout(), 8, c.memoryCells(), c.memoryNeighbours(), c.memoryFeatures(), c.memoryVotePower(),
                        c.memoryWrite());
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(projected, V);
            model.initialize(m);
            assertEquals(expectedParameters(projected, V), ModelStats.parameterCount(model));
            assertEquals(new Shape(4, 6, V), model.forward(new ParameterStore(m, false), batch(m), false).head().getShape());
        }
    }

    @Test
    void saveThenLoadGivesIdenticalOutputs(@TempDir Path dir) throws Exception {
        Engine.getInstance().setRandomSeed(5);
        Vocabulary vocab = Vocabulary.build(List.of(List.of("a", "red", "circle")), 1);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), vocab.size());
            model.initialize(m);
            new SavedModel(Presets.tiny(), vocab, model).writeInto(dir);
            SavedModel loaded = SavedModel.load(dir, m);
            NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
            NDArray tokens = m.create(new long[] {1, 4, 5, 6, 1, 6, 5, 4}, new Shape(2, 4));
            ParameterStore ps = new ParameterStore(m, false);
            float[] before = model.forward(ps, new NDList(images, tokens), false).head().toFloatArray();
            float[] after = loaded.model().forward(ps, new NDList(images, tokens), false).head().toFloatArray();
            assertArrayEquals(before, after, 0f);
            assertEquals(vocab, loaded.vocab());
        }
    }

    /** Trainable parameters of the KVM captioner, written out from the architecture. */
    @Test
    void channelsLastGivesTheSameEncodingAndBf16StaysWithinItsPrecisionAndNeitherTrains() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager();
                TensorCasts cl = TensorCasts.channelsLast();
                TensorCasts bf16 = TensorCasts.bf16()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.small().model().withMemoryCells(0, 8), V);
            model.initialize(m);
            model.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray images = m.randomNormal(new Shape(2, 3, 64, 64));
            ImageContext fp32 = model.encode(ps, images, false);
            float[] global = fp32.global().toFloatArray();
            float[] regions = fp32.regions().toFloatArray();

            model.encodeWith(cl);
            ImageContext channelsLast = model.encode(ps, images, false);
            assertArrayEquals(global, channelsLast.global().toFloatArray(), 1e-4f);
            assertArrayEquals(regions, channelsLast.regions().toFloatArray(), 1e-4f);

            model.encodeWith(bf16);
            ImageContext half = model.encode(ps, images, false);

            assertEquals(bf16, model.encoderCasts());
            assertEquals(fp32.regions().getShape(), half.regions().getShape());
            assertTrue(relativeError(global, half.global().toFloatArray()) < 0.03, "global vector");
            assertTrue(relativeError(regions, half.regions().toFloatArray()) < 0.03, "regions");
            assertThrows(IllegalStateException.class, () -> model.encode(ps, images, true));
        }
    }

    @Test
    void anInt8DecoderGivesNearlyTheSameLogitsAndCannotTrain() {
        Engine.getInstance().setRandomSeed(4);
        try (NDManager m = NDManager.newBaseManager(); Int8Linears int8 = Int8Linears.load()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.small().model().withMemoryCells(0, 8), V);
            model.initialize(m);
            model.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = batch64(m);
            float[] before = outputWeight(model);

            assertInt8StepsNearFloat32(model, ps, in, int8);

            float[] after = outputWeight(model);
            assertArrayEquals(before, after, "the parameters (and so a saved model) stay float32");
            ImageContext ctx = model.encode(ps, in.get(0), false);
            DecodeState state = model.start(ps, ctx, false);
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> model.step(ps, ctx, in.get(1).get(":, 0"), state, true));
            assertTrue(e.getMessage().contains("cannot train"), e.getMessage());
        }
    }

    @Test
    void joinedStepsGiveTheLogitsOfTheStepsAsTrainedWithLearnedSlotsWithoutMemoryAndWithAProjectedImageVector() {
        ModelConfig tiny = Presets.tiny().model();
        ModelConfig projected = ConfigJson.fromJson("{\"preset\":\"tiny\",\"model\":{\"globalProj\":8}}").model();
        for (ModelConfig c : List.of(tiny, withoutMemoryOrMaps(tiny), projected)) {
            Engine.getInstance().setRandomSeed(7);
            try (NDManager m = NDManager.newBaseManager()) {
                KvmCaptionModel model = new KvmCaptionModel(c, V);
                model.initialize(m);
                model.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
                ParameterStore ps = new ParameterStore(m, false);
                NDList in = new NDList(m.randomNormal(new Shape(2, 3, 32, 32)), m.randomInteger(1, V, new Shape(2, 5), DataType.INT64));
                float[][] apart = stepLogits(model, ps, in);
                model.joinSteps();
                assertTrue(model.encode(ps, in.get(0), false).decoderGates() != null, "the joined LSTM-1 runs");
                float[][] joined = stepLogits(model, ps, in);
                for (int t = 0; t < apart.length; t++) {
                    assertArrayEquals(apart[t], joined[t], 1e-5f, "memory " + c.useMemory() + ", globalProj " + c.globalProj() + ", step " + t);
                }
            }
        }
    }

    @Test
    void int8WeightsReplaceJoinedSteps() {
        Engine.getInstance().setRandomSeed(8);
        try (NDManager m = NDManager.newBaseManager(); Int8Linears int8 = Int8Linears.load()) {
            NDList in = batch64(m);
            float[][][] logits = new float[2][][];
            for (int joinedFirst = 0; joinedFirst < 2; joinedFirst++) {
                Engine.getInstance().setRandomSeed(8);
                KvmCaptionModel model = new KvmCaptionModel(Presets.small().model().withMemoryCells(0, 8), V);
                model.initialize(m);
                model.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
                if (joinedFirst == 1) {
                    model.joinSteps();
                }
                model.decodeWith(int8);
                logits[joinedFirst] = stepLogits(model, new ParameterStore(m, false), in);
            }
            for (int t = 0; t < logits[0].length; t++) {
                assertArrayEquals(logits[0][t], logits[1][t], "step " + t);
            }
        }
    }

    @Test
    void anInt8DecoderWorksWithoutMemoryAndWithoutAttentionMaps() {
        Engine.getInstance().setRandomSeed(6);
        try (NDManager m = NDManager.newBaseManager(); Int8Linears int8 = Int8Linears.load()) {
            KvmCaptionModel model = new KvmCaptionModel(withoutMemoryOrMaps(Presets.small().model()), V);
            model.initialize(m);
            model.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
            assertInt8StepsNearFloat32(model, new ParameterStore(m, false), batch64(m), int8);
        }
    }

    /** The ablation's plain decoder: c without the key-value memory and the deconvolution maps. */
    private static ModelConfig withoutMemoryOrMaps(ModelConfig c) {
        return new ModelConfig(
                c.imageSize(), c.encoderWidths(), c.convsPerStage(), c.batchNorm(), c.fcDims(),
                c.embedDim(), c.hiddenDim(), c.attnDim(), false, c.memorySlots(), c.memoryValueDim(),
                c.memoryControllerDim(), false, c.deconvChannels(), c.dropout(), c.globalProj(), c.memoryCells(),
                c.memoryNeighbours(), c.memoryFeatures(), c.memoryVotePower(), c.memoryWrite());
    }

    /** Quantizes the model's decoder and checks each of five steps' logits: within 5 % of float32's, not equal. */
    private static void assertInt8StepsNearFloat32(KvmCaptionModel model, ParameterStore ps, NDList in, Int8Linears int8) {
        float[][] fp32 = stepLogits(model, ps, in);
        model.decodeWith(int8);
        float[][] quantized = stepLogits(model, ps, in);
        for (int t = 0; t < fp32.length; t++) {
            double err = relativeError(fp32[t], quantized[t]);
            assertTrue(err < 0.05, "step " + t + ": relative error " + err);
            assertTrue(err > 0, "step " + t + " did run in int8");
        }
    }

    private static float[] outputWeight(KvmCaptionModel model) {
        return model.getParameters().stream().filter(p -> p.getKey().endsWith("out_weight")).findFirst().orElseThrow().getValue().getArray().toFloatArray();
    }

    private static NDList batch64(NDManager m) {
        return new NDList(m.randomNormal(new Shape(2, 3, 64, 64)), m.randomInteger(1, V, new Shape(2, 5), DataType.INT64));
    }

    /** The logits of each step of decoding the given words. */
    private static float[][] stepLogits(KvmCaptionModel model, ParameterStore ps, NDList in) {
        ImageContext ctx = model.encode(ps, in.get(0), false);
        DecodeState state = model.start(ps, ctx, false);
        float[][] out = new float[5][];
        for (int t = 0; t < 5; t++) {
            KvmCaptionModel.StepOutput o = model.step(ps, ctx, in.get(1).get(":, " + t), state, false);
            out[t] = o.logits().toFloatArray();
            state = o.state();
        }
        return out;
    }

    /** ‖a − b‖ / ‖a‖. */
    private static double relativeError(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
            norm += a[i] * (double) a[i];
        }
        return Math.sqrt(diff / norm);
    }

    static long expectedParameters(ModelConfig c, int v) {
        long n = 0;
        int cin = 3;
        for (int s = 0; s < c.stages(); s++) {
            int w = c.encoderWidths().get(s);
            for (int i = 0; i < c.convsPerStage().get(s); i++) {
                n += 9L * cin * w + w + (c.batchNorm() ? 2L * w : 0);
                cin = w;
            }
        }
        long in = (long) c.regions() * c.regionDim();
        for (int d : c.fcDims()) {
            n += in * d + d;
            in = d;
        }
        long e = c.embedDim();
        long h = c.hiddenDim();
        long a = c.attnDim();
        long dg = c.contextDim();
        if (c.globalProj() > 0) {
            n += (long) c.globalDim() * c.globalProj() + c.globalProj();
        }
        long cr = c.regionDim();
        n += v * e;
        long mem = 0;
        if (c.useMemory()) {
            long k = c.memorySlots();
            long dv = c.memoryValueDim();
            long hm = c.memoryControllerDim();
            long driver = hm > 0 ? hm : h; // without a controller of its own, LSTM-1's h1 drives the memory
            n += k * e + k * dv + (hm > 0 ? lstm(e + dg, hm) : 0) + (driver * e + e) + (c.memoryWrite() ? 2 * (driver * dv + dv) : 0);
            mem = dv;
        }
        n += lstm(h + dg + e, h) + lstm(cr + h + mem, h);
        n += cr * a + a + h * a + a + a;
        if (c.useDeconvMaps()) {
            long ch = c.deconvChannels();
            n += 16 * ch + ch + 16 * ch + 1;
        }
        n += h * v + v;
        return n;
    }

    private static long lstm(long in, long hidden) {
        return 4 * hidden * in + 4 * hidden * hidden + 8 * hidden;
    }
}

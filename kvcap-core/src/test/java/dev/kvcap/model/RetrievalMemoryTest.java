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
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.ModelConfig;
import dev.kvcap.config.Presets;
import dev.kvcap.data.CellIndex;
import dev.kvcap.data.ImageDescriptor;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.train.CaptionLoss;
import dev.kvcap.train.ModelStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retrieval memory (model.memoryCells > 0): cells given per image, read by the controller, copied by the gate. */
class RetrievalMemoryTest {

    private static final int V = 30;
    private static final int K = 6;
    private static final ModelConfig RETRIEVAL = Presets.tiny().model().withMemoryCells(K, 3);

    /** Cells [B, K]: word ids and shares, the last two cells of every image empty. */
    private static NDList cells(NDManager m, int b) {
        NDArray words = m.randomInteger(Vocabulary.SPECIALS, V, new Shape(b, K), DataType.INT64);
        float[] shares = new float[b * K];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < K - 2; k++) {
                shares[i * K + k] = 1f / (k + 1);
            }
        }
        return new NDList(words.mul(m.create(shares, new Shape(b, K)).gt(0).toType(DataType.INT64, false)),
                m.create(shares, new Shape(b, K)));
    }

    @Test
    void theFirstLossIsLnVAndTheTeacherForcedPassEqualsDecodingWordByWord() {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(RETRIEVAL, V);
            model.initialize(m);
            assertLnVAndStepsAsForced(model, m, "");
        }
    }

    /** The first loss is about ln V, and decoding word by word gives the teacher-forced pass's logits. */
    private static void assertLnVAndStepsAsForced(KvmCaptionModel model, NDManager m, String what) {
        ParameterStore ps = new ParameterStore(m, false);
        NDArray tokens = m.randomInteger(1, V, new Shape(4, 6), DataType.INT64);
        ImageContext ctx = model.encode(ps, m.randomNormal(new Shape(4, 3, 32, 32)), cells(m, 4), false);
        NDArray forced = model.logits(ps, ctx, tokens, false);
        assertEquals(Math.log(V), CaptionLoss.of(forced, tokens).getFloat(), 0.3, what);
        DecodeState state = model.start(ps, ctx, false);
        for (int t = 0; t < 6; t++) {
            KvmCaptionModel.StepOutput out = model.step(ps, ctx, tokens.get(":, " + t), state, false);
            assertArrayEquals(forced.get(":, " + t).toFloatArray(), out.logits().toFloatArray(), 1e-5f, what + " step " + t);
            state = out.state();
        }
    }

    @Test
    void theCopyWithoutAGradientWritesWhatTheOneHotProductAdds() {
        try (NDManager m = NDManager.newBaseManager()) {
            int b = 2, t = 3, e = 4;
            long[] ids = {7, 3, 12, 20, 0, 0, 5, 9, 4, 0, 0, 0}; // distinct words per image; empty cells name word 0
            float[] share = {1, .5f, .5f, .25f, 0, 0, 1, 1, .5f, 0, 0, 0};
            MemoryCells cells = MemoryCells.of(
                    m.create(ids, new Shape(b, K)), m.create(share, new Shape(b, K)), m.randomNormal(new Shape(b, K, e)),
                    m.create(new float[] {2}), m.randomNormal(new Shape(e, 5)), m.randomNormal(new Shape(e)), V);
            NDArray logits = m.randomNormal(new Shape(b, t, V));
            NDArray w = m.randomUniform(0, 1, new Shape(b, t, K));
            float[] product = cells.copyInto(logits, w).toFloatArray();
            assertArrayEquals(product, cells.copyStep(logits, w).toFloatArray(), 1e-6f, "a teacher-forced pass [B, T, V]");
            NDArray first = logits.get(":, 0, :");
            assertArrayEquals(cells.copyInto(first.expandDims(1), w.get(":, 0:1, :")).squeeze(1).toFloatArray(),
                    cells.copyStep(first, w.get(":, 0, :")).toFloatArray(), 1e-6f, "one step [B, V]");
            float[] before = logits.toFloatArray();
            assertEquals(before[0], product[0], "word 0 of image 0, named only by empty cells, keeps its logit");
        }
    }

    @Test
    void itsParametersReplaceTheLearnedSlotsWithTheCellValueMapTheShareWeightAndTheCopyGate() {
        ModelConfig c = RETRIEVAL;
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel slots = new KvmCaptionModel(Presets.tiny().model(), V);
            slots.initialize(m);
            KvmCaptionModel retrieval = new KvmCaptionModel(c, V);
            retrieval.initialize(m);
            long learned = (long) c.memorySlots() * (c.embedDim() + c.memoryValueDim());
            long added = (long) (c.embedDim() + 1) * c.memoryValueDim() + c.memoryValueDim() + 1 + c.hiddenDim() + 1;
            assertEquals(ModelStats.parameterCount(slots) - learned + added, ModelStats.parameterCount(retrieval));
            assertEquals(0, retrieval.memorySlots(), "no learned slots to read the bank through");
        }
    }

    @Test
    void theCopyGateRaisesTheWordOfTheCellItReadsByTheGate() {
        Engine.getInstance().setRandomSeed(12);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(RETRIEVAL, V);
            model.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            long[] words = new long[K];
            words[0] = 7; // one filled cell: every read weight falls on it
            float[] shares = new float[K];
            shares[0] = 1f;
            NDList one = new NDList(m.create(words, new Shape(1, K)), m.create(shares, new Shape(1, K)));
            NDArray image = m.randomNormal(new Shape(1, 3, 32, 32));
            NDArray start = m.create(new long[] {Vocabulary.START_ID});
            float[][] logits = new float[2][];
            float[] bias = {-40f, 10f}; // gate softplus(bias): ~0, then ~10
            for (int run = 0; run < 2; run++) {
                param(model, "copy_gate_weight").muli(0);
                Ops.assign(param(model, "copy_gate_bias"), new float[] {bias[run]});
                ImageContext ctx = model.encode(ps, image, one, false);
                logits[run] = model.step(ps, ctx, start, model.start(ps, ctx, false), false).logits().toFloatArray();
            }
            double gate = Math.log1p(Math.exp(10));
            for (int w = 0; w < V; w++) {
                assertEquals(w == 7 ? gate : 0, logits[1][w] - logits[0][w], 1e-3, "word " + w);
            }
        }
    }

    /** A parameter by the end of its name (DJL prefixes each child's position). */
    private static NDArray param(KvmCaptionModel model, String suffix) {
        return model.getParameters().stream()
                .filter(p -> p.getKey().endsWith(suffix))
                .findFirst()
                .orElseThrow()
                .getValue()
                .getArray();
    }

    @Test
    void saveThenLoadGivesIdenticalOutputsAndTheCellIndexComesAlongMadeAsTheConfigSays(@TempDir Path dir) throws Exception {
        Engine.getInstance().setRandomSeed(13);
        Vocabulary vocab = Vocabulary.build(List.of(List.of("a", "red", "circle"), List.of("a", "blue", "square")), 1);
        KvcapConfig config = Presets.tiny().withModel(RETRIEVAL);
        CellIndex index = new CellIndex();
        index.add(new byte[CellIndex.WIDTH], List.of(new int[] {vocab.id("red"), vocab.id("circle")}), new long[] {1L}, List.of("red circle"));
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(RETRIEVAL, vocab.size());
            model.initialize(m);
            new SavedModel(config, vocab, model, index).writeInto(dir);
            SavedModel loaded = SavedModel.load(dir, m);
            assertEquals(1, loaded.cells().size());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
            NDArray tokens = m.create(new long[] {1, 4, 5, 6, 1, 6, 5, 4}, new Shape(2, 4));
            long[] w = new long[2 * K];
            w[0] = vocab.id("red");
            w[K] = vocab.id("square");
            float[] s = new float[2 * K];
            s[0] = 1f;
            s[K] = 0.5f;
            NDList c = new NDList(m.create(w, new Shape(2, K)), m.create(s, new Shape(2, K)));
            float[] before = model.logits(ps, model.encode(ps, images, c, false), tokens, false).toFloatArray();
            float[] after = loaded.model().logits(ps, loaded.model().encode(ps, images, c, false), tokens, false).toFloatArray();
            assertArrayEquals(before, after, 0f);

            IllegalArgumentException none =
                    assertThrows(IllegalArgumentException.class, () -> loaded.model().start(ps, loaded.model().encode(ps, images, false), false));
            assertTrue(none.getMessage().contains("retrieved cells"), none.getMessage());
            CellIndex gradients = new CellIndex(ImageDescriptor.GRADIENTS);
            gradients.add(new byte[ImageDescriptor.GRADIENTS.width()], List.of(new int[] {vocab.id("red")}), new long[] {1L}, List.of());
            gradients.write(dir.resolve(CellIndex.FILE));
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> SavedModel.load(dir, m));
            assertTrue(other.getMessage().contains("gradients") && other.getMessage().contains("memoryFeatures"), other.getMessage());
            Files.delete(dir.resolve(CellIndex.FILE));
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> SavedModel.load(dir, m));
            assertTrue(missing.getMessage().contains(CellIndex.FILE), missing.getMessage());
        }
    }

    @Test
    void withoutAControllerOfItsOwnLstm1DrivesItTheFirstLossIsLnVAndTheTeacherForcedPassEqualsDecodingWordByWord() {
        for (String memoryWrite : List.of("true", "false")) {
            Engine.getInstance().setRandomSeed(17);
            try (NDManager m = NDManager.newBaseManager()) {
                ModelConfig own = ConfigJson.fromJson("{\"preset\":\"tiny\",\"model\":{\"memoryCells\":" + K
                        + ",\"memoryNeighbours\":3,\"memoryWrite\":" + memoryWrite + "}}").model();
                ModelConfig driven = ConfigJson.fromJson("{\"preset\":\"tiny\",\"model\":{\"memoryCells\":" + K
                        + ",\"memoryNeighbours\":3,\"memoryWrite\":" + memoryWrite + ",\"memoryControllerDim\":0}}").model();
                KvmCaptionModel withController = new KvmCaptionModel(own, V);
                withController.initialize(m);
                KvmCaptionModel model = new KvmCaptionModel(driven, V);
                model.initialize(m);
                // no controller LSTM; the query (and the erase and add maps) read h1 [H] instead of the controller's [Hm]
                long hm = own.memoryControllerDim();
                long h = own.hiddenDim();
                long controller = 4 * hm * (own.embedDim() + own.contextDim()) + 4 * hm * hm + 8 * hm;
                long maps = (memoryWrite.equals("true") ? 2L * own.memoryValueDim() : 0) + own.embedDim();
                assertEquals(ModelStats.parameterCount(withController) - controller + maps * (h - hm), ModelStats.parameterCount(model),
                        "memoryWrite " + memoryWrite);
                assertTrue(model.getParameters().keys().stream().noneMatch(k -> k.contains("controller")), "no controller's parameters");
                ParameterStore ps = new ParameterStore(m, false);
                ImageContext ctx = model.encode(ps, m.randomNormal(new Shape(2, 3, 32, 32)), cells(m, 2), false);
                assertEquals(1, model.start(ps, ctx, false).memory().parts().size(), "its state is the values alone");
                assertLnVAndStepsAsForced(model, m, "memoryWrite " + memoryWrite + ",");
            }
        }
    }

    @Test
    void joinedStepsGiveTheLogitsOfTheStepsAsTrainedWithAndWithoutTheWriteOrAControllerOfItsOwn() {
        for (String memory : List.of("\"memoryWrite\":true", "\"memoryWrite\":false", "\"memoryControllerDim\":0",
                "\"memoryControllerDim\":0,\"memoryWrite\":false")) {
            Engine.getInstance().setRandomSeed(14);
            try (NDManager m = NDManager.newBaseManager()) {
                ModelConfig c = ConfigJson.fromJson(
                        "{\"preset\":\"tiny\",\"model\":{\"memoryCells\":" + K + ",\"memoryNeighbours\":3," + memory + "}}").model();
                KvmCaptionModel model = new KvmCaptionModel(c, V);
                model.initialize(m);
                model.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
                ParameterStore ps = new ParameterStore(m, false);
                NDArray tokens = m.randomInteger(1, V, new Shape(2, 5), DataType.INT64);
                NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
                NDList cells = cells(m, 2);
                NDArray words = tokens.repeat(0, 3);
                float[][] apart = steps(model, ps, model.encode(ps, images, cells, false).repeat(3), words);
                model.joinSteps();
                ImageContext ctx = model.encode(ps, images, cells, false).repeat(3);
                assertTrue(ctx.decoderGates() != null, "a joined model's context brings LSTM-1's image gates");
                float[][] joined = steps(model, ps, ctx, words);
                for (int t = 0; t < apart.length; t++) {
                    assertArrayEquals(apart[t], joined[t], 1e-5f, memory + ", step " + t);
                }
            }
        }
    }

    @Test
    void sequencesOfDifferentLengthsGetTheLogProbabilitiesOfTheirPaddedBatch() {
        String[] models = {
            "\"memoryCells\":" + K + ",\"memoryNeighbours\":3", // retrieval memory that writes
            "\"memoryCells\":" + K + ",\"memoryNeighbours\":3,\"memoryWrite\":false",
            "\"memoryCells\":" + K + ",\"memoryNeighbours\":3,\"memoryControllerDim\":0", // LSTM-1 drives it
            "\"memoryCells\":0", // learned slots
            "\"memoryCells\":0,\"memoryControllerDim\":0",
            "\"useMemory\":false"};
        int[][] inputs = {{1, 7, 8}, {1}, {1, 4, 5, 6, 9, 3}, {1, 2}, {1, 7, 8}}; // <start> = 1, rows of two images
        long[] image = {0, 1, 0, 1, 1};
        for (String config : models) {
            Engine.getInstance().setRandomSeed(16);
            try (NDManager m = NDManager.newBaseManager()) {
                KvmCaptionModel model = new KvmCaptionModel(ConfigJson.fromJson("{\"preset\":\"tiny\",\"model\":{" + config + "}}").model(), V);
                model.initialize(m);
                model.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
                model.joinSteps(); // as captioning runs it
                ParameterStore ps = new ParameterStore(m, false);
                ImageContext images = model.encode(ps, m.randomNormal(new Shape(2, 3, 32, 32)), cells(m, 2), false);
                ImageContext ctx = images.rows(m.create(image));
                int[][] targets = new int[inputs.length][];
                int longest = 6;
                int[] padded = new int[inputs.length * longest];
                for (int i = 0; i < inputs.length; i++) {
                    targets[i] = new int[inputs[i].length];
                    for (int t = 0; t < inputs[i].length; t++) {
                        targets[i][t] = t + 1 < inputs[i].length ? inputs[i][t + 1] : 2; // then <end>
                        padded[i * longest + t] = inputs[i][t];
                    }
                }
                float[] all = model.logits(ps, ctx, m.create(padded, new Shape(inputs.length, longest)).toType(DataType.INT64, false), false)
                        .logSoftmax(-1).toFloatArray(); // [C, T, V]
                float[][] got = model.tokenLogProbabilities(ps, images, image, inputs, targets);
                for (int i = 0; i < inputs.length; i++) {
                    float[] expected = new float[inputs[i].length];
                    for (int t = 0; t < expected.length; t++) {
                        expected[t] = all[(i * longest + t) * V + targets[i][t]];
                    }
                    assertArrayEquals(expected, got[i], 1e-5f, config + ", row " + i);
                }
            }
        }
    }

    @Test
    void repeatingAContextRepeatsEachImagesRowsInPlace() {
        Engine.getInstance().setRandomSeed(15);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(RETRIEVAL, V);
            model.initialize(m);
            model.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
            model.joinSteps(); // so that the context has LSTM-1's gates too
            ParameterStore ps = new ParameterStore(m, false);
            ImageContext ctx = model.encode(ps, m.randomNormal(new Shape(2, 3, 32, 32)), cells(m, 2), false);
            ImageContext three = ctx.repeat(3);
            MemoryCells c = ctx.cells();
            MemoryCells c3 = three.cells();
            NDArray[][] pairs = {
                {ctx.regions(), three.regions()}, {ctx.regionProj(), three.regionProj()}, {ctx.global(), three.global()},
                {ctx.memoryGates(), three.memoryGates()}, {ctx.decoderGates(), three.decoderGates()},
                {c.keys(), c3.keys()}, {c.shares(), c3.shares()}, {c.readKeys(), c3.readKeys()},
                {c.readBias(), c3.readBias()}, {c.words(), c3.words()}, {c.filled(), c3.filled()}};
            for (NDArray[] pair : pairs) {
                NDArray expected = pair[0].repeat(0, 3); // image i's rows i·3 … i·3+2
                assertEquals(expected.getShape(), pair[1].getShape());
                assertTrue(expected.contentEquals(pair[1]), "rows of " + pair[0].getShape());
            }
        }
    }

    /** Each step's logits [B·V] of decoding {@code words} [B, T] word by word. */
    private static float[][] steps(KvmCaptionModel model, ParameterStore ps, ImageContext ctx, NDArray words) {
        long t = words.getShape().get(1);
        float[][] out = new float[(int) t][];
        DecodeState state = model.start(ps, ctx, false);
        for (int i = 0; i < t; i++) {
            KvmCaptionModel.StepOutput o = model.step(ps, ctx, words.get(":, " + i), state, false);
            out[i] = o.logits().toFloatArray();
            state = o.state();
        }
        return out;
    }
}

package dev.kvcap.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.Presets;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.ImageCache;
import dev.kvcap.data.SyntheticDataset;
import dev.kvcap.model.SavedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The second phases and their aids: a frozen encoder's feature cache, self-critical training, collapse warnings. */
class TrainingPhasesTest {

    @TempDir static Path dir;
    static CaptionSet train;
    static CaptionSet val;
    static Path trained;

    @BeforeAll
    static void data() throws Exception {
        SyntheticDataset.generate(dir.resolve("data"), 60, 7, 32);
        train = CaptionSet.coco(dir.resolve("data/annotations/captions_train.json"), dir.resolve("data/images/train"));
        val = CaptionSet.coco(dir.resolve("data/annotations/captions_val.json"), dir.resolve("data/images/val"));
        trained = dir.resolve("xe");
        new Trainer(Presets.tiny(), e -> {}).run(train, val, trained, false);
    }

    private static KvcapConfig tiny() {
        return SavedModel.readConfig(trained);
    }

    @Test
    void cachedFeaturesGiveTheSameLogitsAsTheLiveEncoder() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            SavedModel saved = SavedModel.load(trained, m);
            ImageCache pixels = new ImageCache(1 << 20, dir.resolve("pixels"));
            List<CaptionedImage> images = train.images().subList(0, 10);
            List<int[][]> caps = new ArrayList<>();
            for (CaptionedImage i : images) {
                caps.add(new int[][] {{1, 5, 6, 7, 2}});
            }
            TrainingBatches data = new TrainingBatches(images, pixels, caps, 32);
            try (FeatureCache cache = FeatureCache.open(saved.model(), data, dir.resolve("features"), "t", m, n -> {})) {
                int[] idx = {3, 0, 7};
                NDList tokens = TrainingBatches.tokens(m, data.captions(idx, 0, 3, null));
                ParameterStore ps = new ParameterStore(m, false);
                ImageSource live = ImageSource.live(saved.model(), data, null, null, null);
                ImageSource cached = ImageSource.cached(saved.model(), cache, null);
                NDArray a = saved.model().logits(ps, live.encode(ps, live.inputs(m, idx, 0, 3, null), false), tokens.get(0), false);
                NDArray b = saved.model().logits(ps, cached.encode(ps, cached.inputs(m, idx, 0, 3, null), false), tokens.get(0), false);
                assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 1e-5f);
            }
            // the same encoder and images find the cache again instead of computing it
            assertEquals(1, Files.list(dir.resolve("features")).filter(p -> p.toString().endsWith(".f32")).count());
        }
    }

    @Test
    void aFrozenEncoderStaysAsItWasWhileTheDecoderLearns() throws Exception {
        Path out = dir.resolve("frozen");
        Trainer.Result r = new Trainer(tiny().withTrain(tiny().train().withEpochs(2)), e -> {})
                .optInit(trained).optFreezeEncoder(true).run(train, val, out, false);
        assertEquals(2, r.epochsRun());
        assertTrue(Files.list(out.resolve("features")).anyMatch(p -> p.toString().endsWith(".f32")));
        try (NDManager m = NDManager.newBaseManager()) {
            SavedModel before = SavedModel.load(trained, m);
            SavedModel after = SavedModel.load(out.resolve("last"), m);
            assertEquals(values(before, "encoder"), values(after, "encoder"));
            assertTrue(!values(before, "decoder").equals(values(after, "decoder")), "the decoder trained");
        }
    }

    @Test
    void aRetrievalMemoryTrainsOnAnotherModelsFrozenEncoderSavesItsCellIndexAndGoesOnWithSelfCriticalTraining() throws Exception {
        KvcapConfig retrieval = Presets.tiny().withModel(Presets.tiny().model().withMemoryCells(6, 3));
        List<String> info = new ArrayList<>();
        Path out = dir.resolve("retrieval");
        new Trainer(retrieval, e -> {
                    if (e instanceof TrainEvent.Info i) {
                        info.add(i.message());
                    }
                })
                .optEncoderWeights(trained).optFreezeEncoder(true).run(train, val, out, false);
        assertTrue(info.stream().anyMatch(m -> m.startsWith("retrieval memory: " + train.images().size() + " captioned images indexed")), info.toString());
        try (NDManager m = NDManager.newBaseManager()) {
            SavedModel before = SavedModel.load(trained, m);
            SavedModel after = SavedModel.load(out, m);
            assertEquals(values(before, "encoder"), values(after, "encoder"), "the encoder is the other model's, frozen");
            assertEquals(train.images().size(), after.cells().size());
        }
        Path scst = dir.resolve("retrieval-scst");
        new Trainer(retrieval, e -> {}).optInit(out).optScst(true).optFreezeEncoder(true).run(train, val, scst, false);
        assertTrue(Files.exists(scst.resolve("best/" + dev.kvcap.data.CellIndex.FILE)));
    }

    private static List<List<Float>> values(SavedModel saved, String block) {
        List<List<Float>> out = new ArrayList<>();
        var blocks = saved.model().getChildren();
        for (Pair<String, Parameter> p : blocks.get(blocks.keys().stream().filter(k -> k.endsWith(block)).findFirst().orElseThrow()).getParameters()) {
            List<Float> v = new ArrayList<>();
            for (float f : p.getValue().getArray().toFloatArray()) {
                v.add(f);
            }
            out.add(v);
        }
        return out;
    }

    @Test
    void selfCriticalTrainingStartsFromTheModelItImprovesAndKeepsItWhenNothingBeatsIt() throws Exception {
        Path out = dir.resolve("scst");
        List<Map<String, Object>> epochs = new ArrayList<>();
        new Trainer(tiny(), e -> {
                    if (e instanceof TrainEvent.Epoch ep) {
                        epochs.add(ep.figures());
                    }
                })
                .optInit(trained).optScst(true).optFreezeEncoder(true).run(train, val, out, false);
        assertEquals(0, epochs.get(0).get("epoch"), "the starting model is validated first");
        assertTrue(epochs.get(1).containsKey("scst_reward"), epochs.get(1).toString());
        assertTrue(Files.exists(out.resolve("best/model.params")));
        String state = Files.readString(out.resolve("last/state.json"));
        assertTrue(state.contains("scst-frozen-encoder"), state);
        // resuming as another phase is refused
        assertThrows(IllegalArgumentException.class, () -> new Trainer(tiny(), e -> {}).optScst(false).run(train, val, out, true));
    }

    @Test
    void selfCriticalTrainingNeedsAModelToStartFrom() {
        assertThrows(IllegalArgumentException.class,
                () -> new Trainer(tiny(), e -> {}).optScst(true).run(train, val, dir.resolve("noinit"), false));
    }

    @Test
    void aCollapsedModelIsReported() throws Exception {
        // every training caption the same: the model learns to say it for every image
        List<CaptionedImage> same = new ArrayList<>();
        for (CaptionedImage i : train.images()) {
            same.add(new CaptionedImage(i.imageId(), i.file(), List.of("a thing")));
        }
        List<String> warnings = new ArrayList<>();
        List<Double> distinct = new ArrayList<>();
        CaptionSet collapsed = new CaptionSet("same", same);
        new Trainer(Presets.tiny().withTrain(Presets.tiny().train().withEpochs(4)), e -> {
                    if (e instanceof TrainEvent.Info i && i.message().startsWith("warning:")) {
                        warnings.add(i.message());
                    }
                    if (e instanceof TrainEvent.Epoch ep) {
                        distinct.add((Double) ep.figures().get("val_distinct"));
                    }
                })
                .run(collapsed, collapsed, dir.resolve("collapsed"), false); // its own images: 48, so 1 caption is 2 %
        assertEquals(1.0 / same.size(), distinct.get(distinct.size() - 1), 1e-9);
        assertTrue(warnings.stream().anyMatch(w -> w.contains("collapsing")), warnings.toString());
    }

    @Test
    void distinctShareCountsCaptionsPerImage() {
        assertEquals(1.0, Validation.distinctShare(List.of("a", "b", "c")), 1e-12);
        assertEquals(0.25, Validation.distinctShare(List.of("a", "a", "a", "a")), 1e-12);
    }
}

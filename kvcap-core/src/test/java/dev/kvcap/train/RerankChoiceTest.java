package dev.kvcap.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.Presets;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.SyntheticDataset;
import dev.kvcap.infer.Captioner;
import dev.kvcap.model.SavedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The end of training: the validation images decide whether the model captions with --rerank. */
class RerankChoiceTest {

    @TempDir static Path dir;
    static CaptionSet train;
    static Path trained;
    static final List<String> notes = new ArrayList<>();

    @BeforeAll
    static void trainARetrievalModel() throws Exception {
        SyntheticDataset.generate(dir.resolve("data"), 60, 7, 32);
        train = CaptionSet.coco(dir.resolve("data/annotations/captions_train.json"), dir.resolve("data/images/train"));
        CaptionSet val = CaptionSet.coco(dir.resolve("data/annotations/captions_val.json"), dir.resolve("data/images/val"));
        KvcapConfig tiny = Presets.tiny().withModel(Presets.tiny().model().withMemoryCells(4, 2));
        trained = dir.resolve("ret");
        new Trainer(tiny, e -> {
                    if (e instanceof TrainEvent.Info i) {
                        notes.add(i.message());
                    }
                })
                .run(train, val, trained, false);
    }

    private static int savedRerank(Path model) {
        return SavedModel.readConfig(model).decode().rerank();
    }

    @Test
    void trainingEndsBySavingTheBestVariedWayOnValidation() {
        // "validation CIDEr-D X, distinct captions Y %: NAME[ (too alike: not taken)]", one line a way, the model's own first
        List<String> lines = notes.stream().filter(n -> n.startsWith("validation CIDEr-D")).toList();
        assertTrue(lines.size() >= 2, notes.toString());
        double best = -1;
        int bestAt = -1;
        for (int w = 0; w < lines.size(); w++) {
            double cider = Double.parseDouble(lines.get(w).split(" ")[2].replace(",", ""));
            if (!lines.get(w).endsWith("(too alike: not taken)") && cider > best) {
                best = cider;
                bestAt = w;
            }
        }
        assertEquals(bestAt == 0 ? 0 : 32, savedRerank(trained), lines.toString());
        assertEquals(bestAt >= 2, !SavedModel.readConfig(trained).decode().rerankWeights().isEmpty(), lines.toString());
        try (Captioner c = Captioner.load(trained)) {
            assertEquals(savedRerank(trained), c.defaults().rerank(), "the captioner decodes with what was saved");
        }
    }

    @Test
    void imagesWhoseNeighboursCaptionsAreRightChooseThemAndTheModelsOwnReferencesDoNot() throws Exception {
        Path best = dir.resolve("copy");
        Files.createDirectories(best);
        try (var files = Files.list(trained.resolve(Checkpoint.BEST))) {
            for (Path f : files.toList()) {
                Files.copy(f, best.resolve(f.getFileName()));
            }
        }
        // training images are their own nearest neighbours at captioning time: their captions are candidates
        CaptionSet seen = new CaptionSet("seen", train.images().subList(0, 24));
        Optional<RerankChoice.Outcome> right = RerankChoice.make(best, seen, 8, e -> {});
        assertTrue(right.isPresent());
        assertTrue(right.get().agreement() > right.get().own(), right.get().toString());
        assertEquals(8, right.get().rerank());
        assertEquals(8, savedRerank(best));

        // the same images with the model's own captions as their only references
        List<CaptionedImage> own = new ArrayList<>();
        try (Captioner c = Captioner.load(best)) {
            for (CaptionedImage img : seen.images()) {
                own.add(new CaptionedImage(img.imageId(), img.file(), List.of(c.caption(List.of(c.prepare(img.file())), c.defaults(), false).get(0).text())));
            }
        }
        RerankChoice.Outcome wrong = RerankChoice.make(best, new CaptionSet("own", own), 8, e -> {}).orElseThrow();
        assertTrue(wrong.ways().stream().allMatch(w -> wrong.own() >= w.cider()), wrong.toString());
        assertEquals(0, wrong.rerank());
        assertEquals(0, savedRerank(best));
        assertTrue(SavedModel.readConfig(best).decode().rerankWeights().isEmpty(), "the model's own captions need no weights");
    }

    @Test
    void aModelWithoutItsTrainingCaptionsHasNothingToChooseAndKeepsItsConfig() throws Exception {
        Path slots = dir.resolve("slots");
        new Trainer(Presets.tiny().withTrain(Presets.tiny().train().withEpochs(1)), e -> {})
                .run(train, CaptionSet.coco(dir.resolve("data/annotations/captions_val.json"), dir.resolve("data/images/val")), slots, false);
        Path config = slots.resolve(Checkpoint.BEST).resolve(SavedModel.CONFIG);
        String before = Files.readString(config);
        assertTrue(RerankChoice.make(slots.resolve(Checkpoint.BEST), train, 8, e -> {}).isEmpty());
        assertEquals(before, Files.readString(config));
        assertEquals(0, savedRerank(slots));
    }

    @Test
    void aWayWhoseCaptionsAreTooAlikeIsNotTakenHoweverItScores() {
        RerankChoice.Way own = new RerankChoice.Way("own", 0, List.of(), 0.3, 0.8);
        RerankChoice.Way agreement = new RerankChoice.Way("agreement", 8, List.of(), 0.5, 0.6);
        RerankChoice.Way hedge = new RerankChoice.Way("hedge", 8, List.of(1.0), 0.9, 0.3); // "outline" for many images
        assertEquals(agreement, RerankChoice.best(List.of(own, agreement, hedge)));
        RerankChoice.Way collapsed = new RerankChoice.Way("own", 0, List.of(), 0.3, 0.1);
        assertEquals(hedge, RerankChoice.best(List.of(collapsed, hedge)), "when every way is alike the best score still wins");
        assertEquals(own, RerankChoice.best(List.of(own, new RerankChoice.Way("tie", 8, List.of(), 0.3, 0.9))), "ties keep the model's own");
    }

    @Test
    void aBlendWeighsTheAgreementMoreWhateverSignTheFitGaveIt() {
        assertEquals(List.of(6.0, -1.0), RerankChoice.blend(List.of(2.0, -1.0), 2));
        assertEquals(List.of(2.0, -1.0), RerankChoice.blend(List.of(-2.0, -1.0), 2), "towards agreement from a negative weight too");
        assertEquals(List.of(2.0, -1.0), RerankChoice.blend(List.of(2.0, -1.0), 0), "no boost: the fit itself");
    }

    @Test
    void aRunThatChoosesPassesOnNoChoiceFromTheConfigItStartedFrom() throws Exception {
        KvcapConfig ret = SavedModel.readConfig(trained); // as --init reads a model's config
        List<Double> weights = java.util.Collections.nCopies(dev.kvcap.config.DecodeConfig.RERANK_FEATURES, 1.0);
        KvcapConfig chosen = ret.withDecode(ret.decode().withRerank(4).withRerankWeights(weights)).withTrain(ret.train().withEpochs(1));
        Path out = dir.resolve("no-val");
        new Trainer(chosen, e -> {}).run(train, null, out, false); // no validation images: nothing to choose on
        assertEquals(0, savedRerank(out));
        assertEquals(List.of(), SavedModel.readConfig(out).decode().rerankWeights());
    }
}

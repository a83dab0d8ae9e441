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
    void trainingEndsBySavingWhatScoredBetterOnValidation() {
        String verdict = notes.stream().filter(n -> n.startsWith("validation CIDEr-D")).findFirst().orElseThrow();
        // "validation CIDEr-D OWN with the model's own captions, CHOSEN with --rerank 32 ..."
        String[] words = verdict.split(" ");
        double own = Double.parseDouble(words[2]);
        double chosen = Double.parseDouble(words[8].replace(",", ""));
        assertEquals(chosen > own ? 32 : 0, savedRerank(trained), verdict);
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
        assertTrue(right.get().chosen() > right.get().own(), right.get().toString());
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
        assertTrue(wrong.own() >= wrong.chosen(), wrong.toString());
        assertEquals(0, wrong.rerank());
        assertEquals(0, savedRerank(best));
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
    void aRunThatChoosesPassesOnNoChoiceFromTheConfigItStartedFrom() throws Exception {
        KvcapConfig ret = SavedModel.readConfig(trained); // as --init reads a model's config
        KvcapConfig chosen = ret.withDecode(ret.decode().withRerank(4)).withTrain(ret.train().withEpochs(1));
        Path out = dir.resolve("no-val");
        new Trainer(chosen, e -> {}).run(train, null, out, false); // no validation images: nothing to choose on
        assertEquals(0, savedRerank(out));
    }
}

package dev.kvcap.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.Presets;
import dev.kvcap.config.TrainConfig;
import dev.kvcap.data.CaptionSet;
import dev.kvcap.data.SyntheticDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {

    @TempDir static Path dir;
    static CaptionSet train;
    static CaptionSet val;

    @BeforeAll
    static void data() throws Exception {
        SyntheticDataset.generate(dir.resolve("data"), 60, 7, 32);
        train = CaptionSet.coco(dir.resolve("data/annotations/captions_train.json"), dir.resolve("data/images/train"));
        val = CaptionSet.coco(dir.resolve("data/annotations/captions_val.json"), dir.resolve("data/images/val"));
    }

    private static KvcapConfig config() {
        TrainConfig t = Presets.tiny().train();
        return Presets.tiny()
                .withTrain(new TrainConfig(3, 16, t.learningRate(), 2, 1, 0.9f, t.gradClip(), 1e-4f, 0, 9L, 0f, 1, 0f, 0f, 0, TrainConfig.ALL));
    }

    /** Thrown from the event stream to simulate a kill in the middle of an epoch. */
    private static final class Killed extends RuntimeException {}

    @Test
    void anInterruptedSeededRunResumesToTheSameParameters() throws Exception {
        Path full = dir.resolve("full");
        new Trainer(config(), e -> {}).run(train, val, full, false);

        Path cut = dir.resolve("cut");
        assertThrows(
                Killed.class,
                () ->
                        new Trainer(
                                        config(),
                                        e -> {
                                            if (e instanceof TrainEvent.Step s && s.epoch() == 2 && s.batch() == 2) {
                                                throw new Killed();
                                            }
                                        })
                                .run(train, val, cut, false));
        new Trainer(config(), e -> {}).run(train, val, cut, true);

        byte[] a = Files.readAllBytes(full.resolve("last/model.params"));
        byte[] b = Files.readAllBytes(cut.resolve("last/model.params"));
        assertArrayEquals(a, b);
        assertTrue(Files.exists(cut.resolve("best/model.params")));
        assertTrue(Files.exists(cut.resolve("curves.png")));
    }

    @Test
    void aRunWithTheWordPresenceLossResumesToTheSameParametersToo() throws Exception {
        TrainConfig t = config().train();
        KvcapConfig words = config().withTrain(new TrainConfig(2, 16, t.learningRate(), 2, 1, 0.9f, t.gradClip(), 1e-4f, 0, 9L, 0f, 2, 1f, 0f, 0, TrainConfig.ALL));
        Path full = dir.resolve("words-full");
        new Trainer(words, e -> {}).run(train, val, full, false);
        assertTrue(Files.exists(full.resolve("last/" + WordPresence.FILE)));
        assertTrue(!Files.exists(full.resolve("best/" + WordPresence.FILE)), "the model a user captions with has no extra layer");
        Path cut = dir.resolve("words-cut");
        assertThrows(
                Killed.class,
                () -> new Trainer(words, e -> {
                            if (e instanceof TrainEvent.Step s && s.epoch() == 2 && s.batch() == 1) {
                                throw new Killed();
                            }
                        }).run(train, val, cut, false));
        new Trainer(words, e -> {}).run(train, val, cut, true);
        assertArrayEquals(
                Files.readAllBytes(full.resolve("last/model.params")),
                Files.readAllBytes(cut.resolve("last/model.params")));
        assertArrayEquals(
                Files.readAllBytes(full.resolve("last/" + WordPresence.FILE)),
                Files.readAllBytes(cut.resolve("last/" + WordPresence.FILE)));
    }

    @Test
    void twoUninterruptedSeededRunsAgree() throws Exception {
        new Trainer(config(), e -> {}).run(train, val, dir.resolve("r1"), false);
        new Trainer(config(), e -> {}).run(train, val, dir.resolve("r2"), false);
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("r1/last/model.params")),
                Files.readAllBytes(dir.resolve("r2/last/model.params")));
    }

    @Test
    void startingOverAnExistingRunWithoutResumeIsRefused() throws Exception {
        Path out = dir.resolve("twice");
        KvcapConfig one = config().withTrain(new TrainConfig(1, 16, 3e-3f, 0, 1, 1f, 5f, 0f, 0, 1L, 0f, 1, 0f, 0f, 0, TrainConfig.ALL));
        new Trainer(one, e -> {}).run(train, null, out, false);
        assertThrows(IllegalArgumentException.class, () -> new Trainer(one, e -> {}).run(train, null, out, false));
    }

    @Test
    void aDamagedCheckpointIsAnErrorThatNamesItsFileAndWhatToDo() throws Exception {
        Path out = dir.resolve("damaged");
        KvcapConfig one = config().withTrain(new TrainConfig(1, 16, 3e-3f, 0, 1, 1f, 5f, 0f, 0, 1L, 0f, 1, 0f, 0f, 0, TrainConfig.ALL));
        new Trainer(one, e -> {}).run(train, null, out, false);
        Path state = out.resolve("last/" + Checkpoint.STATE);
        byte[] goodState = Files.readAllBytes(state);
        for (String bad : List.of("{\"nextEpoch\":\"x\"}", "[]", "{", "", "{\"nextEpoch\":-3}")) {
            Files.writeString(state, bad);
            assertDamaged(state, () -> new Trainer(one, e -> {}).run(train, null, out, true));
        }
        Files.write(state, goodState);
        Path optimizer = out.resolve("last/" + Checkpoint.OPTIMIZER);
        byte[] goodOptimizer = Files.readAllBytes(optimizer);
        byte[] noise = new byte[1000];
        new Random(1).nextBytes(noise);
        for (byte[] bad : List.of(new byte[0], noise, Arrays.copyOf(goodOptimizer, goodOptimizer.length / 2))) {
            Files.write(optimizer, bad);
            assertDamaged(optimizer, () -> new Trainer(one, e -> {}).run(train, null, out, true));
        }
    }

    private static void assertDamaged(Path file, org.junit.jupiter.api.function.Executable resume) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, resume);
        assertTrue(e.getMessage().startsWith("checkpoint " + file + " is damaged (")
                && e.getMessage().endsWith("); restore it, or train again without --resume"), e.getMessage());
    }
}

package dev.kvcap.infer;

import dev.kvcap.data.CellIndex;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.bank.BankInfo;
import ai.djl.ndarray.NDList;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.kvcap.config.Presets;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.model.DecodeState;
import dev.kvcap.model.DecoderPrecision;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.Precision;
import dev.kvcap.model.SavedModel;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionerTest {

    @TempDir Path dir;

    /** A tiny model with random weights over {@code vocab}, saved in {@code dir/model}. */
    private void saveTinyModel(Vocabulary vocab) throws java.io.IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), vocab.size());
            model.initialize(m);
            new SavedModel(Presets.tiny(), vocab, model).writeInto(dir.resolve("model"));
        }
    }

    @Test
    void aLoadedModelStepsJoinedInFloat32AndApartInInt8AndCannotTrain() throws Exception {
        saveTinyModel(Vocabulary.build(List.of(List.of("a", "red", "circle")), 1));
        for (DecoderPrecision precision : DecoderPrecision.values()) {
            try (Captioner c = Captioner.load(dir.resolve("model"), Precision.FP32, precision);
                    NDManager call = NDManager.newBaseManager()) {
                KvmCaptionModel model = c.model().model();
                ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(call, false);
                ImageContext ctx = model.encode(ps, call.randomNormal(new ai.djl.ndarray.types.Shape(1, 3, 32, 32)), false);
                assertEquals(precision == DecoderPrecision.FP32, ctx.decoderGates() != null, precision + ": LSTM-1's image gates");
                DecodeState state = model.start(ps, ctx, false);
                ai.djl.ndarray.NDArray start = call.create(new long[] {Vocabulary.START_ID});
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.step(ps, ctx, start, state, true));
                assertTrue(e.getMessage().contains("cannot train"), e.getMessage());
            }
        }
    }

    @Test
    void aRetrievalMemoryReadsWhatTheBankWasTaughtInItsCells() throws Exception {
        Vocabulary vocab = Vocabulary.build(List.of(List.of("a", "red", "circle"), List.of("a", "blue", "square"), List.of("zebra")), 1);
        KvcapConfig config = Presets.tiny().withModel(Presets.tiny().model().withMemoryCells(4, 1));
        CellIndex training = new CellIndex();
        BufferedImage dark = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        BufferedImage taught = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = taught.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 16, 16);
        g.dispose();
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(config.model(), vocab.size());
            model.initialize(m);
            training.add(new byte[CellIndex.WIDTH], List.of(new int[] {vocab.id("blue"), vocab.id("square")}), new long[] {1L}, List.of("a blue square"));
            new SavedModel(config, vocab, model, training).writeInto(dir.resolve("model"));
        }
        try (Captioner c = Captioner.load(dir.resolve("model"));
                NDManager call = NDManager.newBaseManager();
                MemoryBank bank = MemoryBank.open(dir.resolve("bank"), new BankInfo("test", CellIndex.WIDTH))) {
            byte[] query = c.prepare(taught);
            assertEquals(List.of((long) vocab.id("blue"), (long) vocab.id("square")),
                    cellWords(c.cells(call, List.of(query), bank)), "an empty bank: the training image's words");
            new MemoryWriter(c).store(bank, "teach", List.of(new MemoryWriter.Lesson(new byte[] {1}, query, List.of("a", "red", "zebra"))));
            assertEquals(1, bank.size(), "one entry per taught caption");
            assertEquals(List.of((long) vocab.id("red"), (long) vocab.id("zebra")),
                    cellWords(c.cells(call, List.of(query), bank)), "the taught image is nearer, and it alone votes");
            assertEquals(List.of((long) vocab.id("blue"), (long) vocab.id("square")),
                    cellWords(c.cells(call, List.of(c.prepare(dark)), null)), "memory off: the training images only");
            DecodeConfig greedy = new DecodeConfig(1, 3, 1, 0f, false);
            assertEquals(1, c.caption(List.of(query), greedy, false, new BankRetrieval(bank, 8, 0.3f)).size(), "captions with the bank on");
            IllegalArgumentException slots = assertThrows(IllegalArgumentException.class,
                    () -> c.caption(List.of(query), greedy, false, new BankRetrieval(bank, 8, 0.3f).reading(Retrieval.Read.SLOTS)));
            assertTrue(slots.getMessage().contains("--memory-read"), slots.getMessage());
        }
    }

    @Test
    void captioningFindsTheCellsTheIndexesOwnSearchFinds() throws Exception {
        Vocabulary vocab = Vocabulary.build(List.of(List.of("red", "blue", "green", "circle", "square", "star", "big")), 1);
        KvcapConfig config = Presets.tiny().withModel(Presets.tiny().model().withMemoryCells(5, 3));
        java.util.Random rng = new java.util.Random(5);
        CellIndex index = new CellIndex();
        for (int e = 0; e < 40; e++) {
            byte[] thumb = new byte[CellIndex.WIDTH];
            rng.nextBytes(thumb);
            index.add(thumb, List.of(new int[] {4 + rng.nextInt(7), 4 + rng.nextInt(7)}, new int[] {4 + rng.nextInt(7)}), new long[] {e, -e}, List.of());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(config.model(), vocab.size());
            model.initialize(m);
            new SavedModel(config, vocab, model, index).writeInto(dir.resolve("model"));
        }
        try (Captioner c = Captioner.load(dir.resolve("model")); NDManager call = NDManager.newBaseManager()) {
            List<byte[]> pixels = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                byte[] p = new byte[3 * 32 * 32];
                rng.nextBytes(p);
                pixels.add(p);
            }
            NDList found = c.cells(call, pixels, null);
            long[] words = found.get(0).toLongArray();
            float[] shares = found.get(1).toFloatArray();
            for (int i = 0; i < pixels.size(); i++) {
                CellIndex.Cells exact = c.model().cells().cells(CellIndex.thumbnail(pixels.get(i), 32), CellIndex.Ballot.of(c.model().config().model()));
                for (int j = 0; j < 5; j++) {
                    assertEquals(exact.words()[j], words[i * 5 + j], "image " + i + " cell " + j);
                    assertEquals(exact.shares()[j], shares[i * 5 + j], 1e-6f, "image " + i + " cell " + j);
                }
            }
        }
    }

    @Test
    void aBankEntrysImageIsItsSourceWithoutTheCaptionPart() {
        assertEquals("teach:ab12", CellSearch.imageOf("teach:ab12:cd34"));
        assertEquals("remember:ab12", CellSearch.imageOf("remember:ab12:cd34"));
        assertEquals("train:17", CellSearch.imageOf("train:17"));
        assertEquals("x", CellSearch.imageOf("x"));
    }

    /** The filled cells' word ids of the first image. */
    private static List<Long> cellWords(NDList cells) {
        long[] words = cells.get(0).toLongArray();
        float[] shares = cells.get(1).toFloatArray();
        List<Long> out = new java.util.ArrayList<>();
        for (int i = 0; i < shares.length && shares[i] > 0; i++) {
            out.add(words[i]);
        }
        return out;
    }

    @Test
    void preparingADecodedImageGivesTheSameBytesAsPreparingItsFile() throws Exception {
        Vocabulary vocab = Vocabulary.build(List.of(List.of("a", "red", "circle")), 1);
        saveTinyModel(vocab);
        BufferedImage img = new BufferedImage(90, 50, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillOval(10, 5, 40, 40);
        g.dispose();
        Path file = dir.resolve("c.png");
        ImageIO.write(img, "png", file.toFile());
        try (Captioner c = Captioner.load(dir.resolve("model"))) {
            assertArrayEquals(c.prepare(file), c.prepare(img));
        }
    }

    @Test
    void anInt8DecoderSaysSoAndScoresItsCaptionAsFloat32WouldWithinQuantizationError() throws Exception {
        Vocabulary vocab = Vocabulary.build(List.of(List.of("a", "red", "circle", "on", "blue")), 1);
        Engine.getInstance().setRandomSeed(3);
        saveTinyModel(vocab);
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        DecodeConfig greedy = new DecodeConfig(1, 4, 4, 0f, false);
        try (Captioner fp32 = Captioner.load(dir.resolve("model"));
                Captioner int8 = Captioner.load(dir.resolve("model"), Precision.FP32, DecoderPrecision.INT8)) {
            assertEquals(DecoderPrecision.FP32, fp32.decoderPrecision());
            assertEquals(DecoderPrecision.INT8, int8.decoderPrecision());
            Hypothesis exact = fp32.caption(List.of(fp32.prepare(img)), greedy, false).get(0).best();
            Hypothesis approx = int8.caption(List.of(int8.prepare(img)), greedy, false).get(0).best();
            assertEquals(exact.wordIds(), approx.wordIds(), "random weights: a clear greedy choice each word");
            assertEquals(exact.logProb(), approx.logProb(), 0.05 * Math.abs(exact.logProb()));
            assertNotEquals(exact.logProb(), approx.logProb(), "the int8 decoder did run");
        }
    }

    @Test
    void aModelLoadsAndCaptionsOnAFreshThreadWhereGradModeIsOn() throws Exception {
        Vocabulary vocab = Vocabulary.build(List.of(List.of("a", "red", "circle")), 1);
        saveTinyModel(vocab);
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<String> caption = new java.util.concurrent.atomic.AtomicReference<>();
        // a Spark task's thread: a new thread, where PyTorch's grad mode starts on
        Thread worker = new Thread(() -> {
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
            try (Captioner c = Captioner.load(dir.resolve("model"))) {
                assertEquals(true, ai.djl.pytorch.jni.JniUtils.isGradMode(), "loading gives the thread's grad mode back");
                caption.set(c.caption(List.of(c.prepare(img)), c.defaults(), false).get(0).text());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        worker.start();
        worker.join();
        if (failure.get() != null) {
            throw new AssertionError("loading on a fresh thread failed", failure.get());
        }
        assertEquals(true, caption.get() != null);
    }
}

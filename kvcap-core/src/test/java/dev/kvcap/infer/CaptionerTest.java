package dev.kvcap.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.kvcap.config.Presets;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.model.DecoderPrecision;
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

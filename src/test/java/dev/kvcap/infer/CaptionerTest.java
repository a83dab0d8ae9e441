package dev.kvcap.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import dev.kvcap.config.Presets;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.KvmCaptionModel;
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

    @Test
    void preparingADecodedImageGivesTheSameBytesAsPreparingItsFile() throws Exception {
        Vocabulary vocab = Vocabulary.build(List.of(List.of("a", "red", "circle")), 1);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), vocab.size());
            model.initialize(m);
            new SavedModel(Presets.tiny(), vocab, model).writeInto(dir.resolve("model"));
        }
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
}

package dev.kvcap.spark;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.kvcap.config.Presets;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.infer.Captioner;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.SavedModel;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/** The tests' Spark (local[2], one per test JVM), a tiny seeded model and synthetic images. */
final class LocalSpark {

    private static SparkSession session;

    private LocalSpark() {}

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .appName("kvcap-spark tests")
                    .master("local[2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    /** A tiny model with seeded random weights, saved as {@code kvcap train} saves one. */
    static Path tinyModel(Path dir) throws IOException {
        Vocabulary vocab = Vocabulary.build(
                List.of(List.of("a", "red", "green", "blue", "circle", "square", "left", "of", "above")), 1);
        Engine.getInstance().setRandomSeed(7);
        Path out = dir.resolve("model");
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), vocab.size());
            model.initialize(m);
            new SavedModel(Presets.tiny(), vocab, model).writeInto(out);
        }
        return out;
    }

    /** {@code n} PNGs, each a different colour and shape, in {@code dir}; sorted by name. */
    static List<Path> images(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(40 + 4 * i, 36, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.getHSBColor(i / (float) n, 0.2f, 0.9f));
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.getHSBColor((i + 0.5f) / n, 1f, 0.8f));
            if (i % 2 == 0) {
                g.fillOval(3 * i, 4, 20, 20);
            } else {
                g.fillRect(4, 2 * i, 18, 18);
            }
            g.dispose();
            Path f = dir.resolve("img" + i + ".png");
            ImageIO.write(img, "png", f.toFile());
            files.add(f);
        }
        return files;
    }

    /** What the core Captioner says of {@code files} (one batch, as {@code kvcap caption} runs it), by file name. */
    static Map<String, Captioner.Caption> captionsByName(Path model, List<Path> files) {
        try (Captioner c = Captioner.load(model)) {
            List<byte[]> pixels = new ArrayList<>();
            for (Path f : files) {
                pixels.add(c.prepare(f));
            }
            List<Captioner.Caption> out = c.caption(pixels, c.defaults(), false);
            Map<String, Captioner.Caption> byName = new HashMap<>();
            for (int i = 0; i < files.size(); i++) {
                byName.put(files.get(i).getFileName().toString(), out.get(i));
            }
            return byName;
        }
    }
}

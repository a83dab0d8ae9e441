package dev.kvcap.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.config.ConfigJson;
import dev.kvcap.config.Presets;
import dev.kvcap.data.TestImages;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.SavedModel;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Files for {@link BadInputCorpusTest}: a tiny model and its damaged copies, images, COCO JSON. */
final class BadInputs {

    /** Words of the fixture model's vocabulary (4 specials + 32 words = 36). */
    static final int VOCAB = 36;

    private BadInputs() {}

    /** A tiny-preset model with random weights and a 36-word vocabulary, saved by this kvcap. */
    static Path model(Path dir) throws IOException {
        Engine.getInstance().setRandomSeed(1);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < VOCAB - Vocabulary.SPECIALS; i++) {
            words.add("w" + i);
        }
        Vocabulary vocab = Vocabulary.build(List.of(words), 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            KvmCaptionModel m = new KvmCaptionModel(Presets.tiny().model(), vocab.size());
            m.initialize(manager);
            new SavedModel(Presets.tiny(), vocab, m).writeInto(dir);
        }
        return dir;
    }

    /** A copy of model directory {@code from} at {@code to}, then {@code change} applied to it. */
    static Path copy(Path from, Path to, Change change) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        change.apply(to);
        return to;
    }

    /** Something done to a copied model directory. */
    interface Change {
        void apply(Path dir) throws Exception;
    }

    /** Rewrites the JSON file {@code dir/name} through {@code edit}. */
    static Change json(String name, UnaryOperator<JsonObject> edit) {
        return dir -> {
            Path f = dir.resolve(name);
            JsonObject o = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
            Files.writeString(f, edit.apply(o).toString());
        };
    }

    /** Replaces {@code dir/name} with {@code text}. */
    static Change text(String name, String text) {
        return dir -> Files.writeString(dir.resolve(name), text);
    }

    /** Keeps the first {@code bytes} bytes of {@code dir/name}. */
    static Change truncate(String name, int bytes) {
        return dir -> {
            Path f = dir.resolve(name);
            Files.write(f, Arrays.copyOf(Files.readAllBytes(f), bytes));
        };
    }

    /** Inverts four bytes in the middle of {@code dir/name}. */
    static Change flipFourBytes(String name) {
        return dir -> {
            Path f = dir.resolve(name);
            byte[] b = Files.readAllBytes(f);
            for (int i = 0; i < 4; i++) {
                b[b.length / 2 + i * 97] ^= (byte) 0xFF;
            }
            Files.write(f, b);
        };
    }

    /** kvcap.json without the checksum: a directory saved by an older kvcap. */
    static JsonObject withoutChecksum(JsonObject marker) {
        marker.remove("paramsBytes");
        marker.remove("paramsCrc32c");
        return marker;
    }

    /** A vocabulary file of {@code n} words. */
    static String vocabOf(int n) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < n - Vocabulary.SPECIALS; i++) {
            words.add("v" + i);
        }
        return Vocabulary.build(List.of(words), 1).toJson();
    }

    /** The tiny preset's full config with {@code model.<key>} set to {@code value}. */
    static String tinyConfigWith(String key, Object value) {
        JsonObject c = JsonParser.parseString(ConfigJson.toJson(Presets.tiny())).getAsJsonObject();
        JsonObject model = c.getAsJsonObject("model");
        if (value instanceof Boolean b) {
            model.addProperty(key, b);
        } else {
            model.addProperty(key, (Number) value);
        }
        return c.toString();
    }

    /** A red circle on blue, {@code size}², as PNG or JPEG bytes. */
    static byte[] image(int size, String format) {
        return dev.kvcap.data.TestImages.circle(size, size, format);
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, bytes);
    }

    /** A PNG whose header claims {@code w}×{@code h} pixels (a decompression bomb's header). */
    static byte[] claiming(int w, int h) {
        return TestImages.claimingSize(image(8, "png"), w, h);
    }

    /** A COCO captions file: images 1..n named {@code 1.png}…, each with one caption. */
    static String coco(int n) {
        JsonArray images = new JsonArray();
        JsonArray annotations = new JsonArray();
        for (int i = 1; i <= n; i++) {
            JsonObject img = new JsonObject();
            img.addProperty("id", i);
            img.addProperty("file_name", i + ".png");
            images.add(img);
            JsonObject ann = new JsonObject();
            ann.addProperty("id", i);
            ann.addProperty("image_id", i);
            ann.addProperty("caption", "a red circle on blue");
            annotations.add(ann);
        }
        JsonObject root = new JsonObject();
        root.add("images", images);
        root.add("annotations", annotations);
        return root.toString();
    }

    /** {@code n} good PNGs named {@code 1.png}… in {@code dir}. */
    static Path images(Path dir, int n) throws IOException {
        for (int i = 1; i <= n; i++) {
            write(dir.resolve(i + ".png"), image(32, "png"));
        }
        return dir;
    }

    /** JSON nested {@code depth} arrays deep (Gson stops at 255). */
    static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    static Path writeText(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

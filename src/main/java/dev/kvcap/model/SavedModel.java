package dev.kvcap.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.kvcap.config.ConfigJson;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.data.DataException;
import dev.kvcap.data.Vocabulary;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A self-contained model directory: {@code kvcap.json} (format marker), {@code config.json},
 * {@code vocab.json} and {@code model.params}. Loading rebuilds the network from the config, so
 * nothing else is needed to caption with it.
 */
public record SavedModel(KvcapConfig config, Vocabulary vocab, KvmCaptionModel model) {

    /** Directory format written by this kvcap; others are refused with a clear message. */
    public static final int FORMAT = 1;

    static final String MARKER = "kvcap.json";
    static final String CONFIG = "config.json";
    static final String VOCAB = "vocab.json";
    static final String PARAMS = "model.params";

    /** Writes the four files into {@code dir} (which should be a fresh temporary directory). */
    public void writeInto(Path dir) throws IOException {
        Files.createDirectories(dir);
        JsonObject marker = new JsonObject();
        marker.addProperty("format", FORMAT);
        marker.addProperty("modelVersion", KvmCaptionModel.VERSION);
        marker.addProperty("vocabSize", vocab.size());
        marker.addProperty("preset", config.preset());
        Files.writeString(dir.resolve(MARKER), marker.toString() + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(CONFIG), ConfigJson.toJson(config) + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(VOCAB), vocab.toJson(), StandardCharsets.UTF_8);
        try (DataOutputStream out =
                new DataOutputStream(
                        new BufferedOutputStream(Files.newOutputStream(dir.resolve(PARAMS))))) {
            model.saveParameters(out);
        }
    }

    /** True when {@code dir} looks like a kvcap model directory. */
    public static boolean isModelDir(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER));
    }

    /**
     * Loads a model directory; {@link IllegalArgumentException} with a one-line reason when it is
     * missing, from another kvcap format, or damaged.
     */
    public static SavedModel load(Path dir, NDManager manager) {
        dir = resolve(dir);
        try {
            JsonObject marker =
                    JsonParser.parseString(Files.readString(dir.resolve(MARKER))).getAsJsonObject();
            int format = marker.has("format") ? marker.get("format").getAsInt() : -1;
            int version = marker.has("modelVersion") ? marker.get("modelVersion").getAsInt() : -1;
            if (format != FORMAT || version != KvmCaptionModel.VERSION) {
                throw new IllegalArgumentException(
                        dir
                                + " was written by an incompatible kvcap (format "
                                + format
                                + ", model version "
                                + version
                                + "; this kvcap reads format "
                                + FORMAT
                                + ", model version "
                                + KvmCaptionModel.VERSION
                                + "): retrain or use the matching kvcap");
            }
            KvcapConfig config = ConfigJson.fromJson(Files.readString(dir.resolve(CONFIG)));
            Vocabulary vocab = Vocabulary.load(dir.resolve(VOCAB));
            KvmCaptionModel model = new KvmCaptionModel(config.model(), vocab.size());
            model.initialize(manager);
            try (DataInputStream in =
                    new DataInputStream(
                            new BufferedInputStream(Files.newInputStream(dir.resolve(PARAMS))))) {
                model.loadParameters(manager, in);
            }
            return new SavedModel(config, vocab, model);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read model directory " + dir + ": " + e.getMessage());
        } catch (MalformedModelException | JsonParseException | IllegalStateException | DataException e) {
            throw new IllegalArgumentException(
                    "model directory " + dir + " is damaged or incompatible: " + oneLine(e.getMessage()));
        }
    }

    /** The config a model directory (or its {@code best/}) was trained with. */
    public static KvcapConfig readConfig(Path dir) {
        Path d = resolve(dir);
        try {
            return ConfigJson.fromJson(Files.readString(d.resolve(CONFIG)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + d.resolve(CONFIG) + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(d.resolve(CONFIG) + ": " + e.getMessage());
        }
    }

    /** {@code dir} when it is a model directory, else its {@code best/}; one-line errors otherwise. */
    private static Path resolve(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model directory " + dir + " does not exist");
        }
        if (isModelDir(dir)) {
            return dir;
        }
        Path best = dir.resolve("best");
        if (isModelDir(best)) {
            return best;
        }
        throw new IllegalArgumentException(
                dir + " is not a kvcap model directory (no " + MARKER + "); pass the --out of kvcap train");
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}

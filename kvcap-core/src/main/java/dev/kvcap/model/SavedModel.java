package dev.kvcap.model;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.kvcap.config.ConfigJson;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.data.CellIndex;
import dev.kvcap.data.ImageDescriptor;
import dev.kvcap.data.DataException;
import dev.kvcap.data.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A self-contained model directory: {@code kvcap.json} (format marker), {@code config.json},
 * {@code vocab.json} and {@code model.params}, and for a retrieval memory ({@code
 * model.memoryCells} > 0) {@code cells.bin}, the captioned images its cells come from ({@link
 * CellIndex}). Loading rebuilds the network from the config, so nothing else is needed to caption
 * with it.
 *
 * @param cells the retrieval memory's index; null for a model without one
 */
public record SavedModel(KvcapConfig config, Vocabulary vocab, KvmCaptionModel model, CellIndex cells) {

    /** A model without a retrieval memory's index. */
    public SavedModel(KvcapConfig config, Vocabulary vocab, KvmCaptionModel model) {
        this(config, vocab, model, null);
    }

    /** This model with {@code index} as its retrieval memory's index. */
    public SavedModel withCells(CellIndex index) {
        return new SavedModel(config, vocab, model, index);
    }

    /** Directory format written by this kvcap; others are refused with a clear message. */
    public static final int FORMAT = 1;

    static final String MARKER = "kvcap.json";
    /** The config a model directory was trained with (and decodes with). */
    public static final String CONFIG = "config.json";
    static final String VOCAB = "vocab.json";
    static final String PARAMS = "model.params";

    /**
     * Writes the four files into {@code dir} (which should be a fresh temporary directory); {@code
     * kvcap.json} last, with the length and CRC32C checksum of {@code model.params}.
     */
    public void writeInto(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(CONFIG), ConfigJson.toJson(config) + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(VOCAB), vocab.toJson(), StandardCharsets.UTF_8);
        ParamsFile.Sum sum = ParamsFile.write(model, dir.resolve(PARAMS));
        if (cells != null) {
            cells.write(dir.resolve(CellIndex.FILE));
        }
        JsonObject marker = new JsonObject();
        marker.addProperty("format", FORMAT);
        marker.addProperty("modelVersion", KvmCaptionModel.VERSION);
        marker.addProperty("vocabSize", vocab.size());
        marker.addProperty("preset", config.preset());
        sum.writeTo(marker);
        Files.writeString(dir.resolve(MARKER), marker.toString() + "\n", StandardCharsets.UTF_8);
    }

    /** True when {@code dir} looks like a kvcap model directory. */
    public static boolean isModelDir(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER));
    }

    /**
     * Whether the model directory {@code dir} (or its {@code best/}) records a checksum of its {@code
     * model.params}, which {@link #load} then verifies. Directories saved before checksums existed
     * have none and load unverified.
     */
    public static boolean hasChecksum(Path dir) {
        try {
            return readMarker(resolve(dir)).has(ParamsFile.Sum.CRC32C);
        } catch (RuntimeException e) {
            return false; // load says what is wrong
        }
    }

    /**
     * Loads a model directory; {@link IllegalArgumentException} with a one-line reason (what is
     * wrong, what to do) when it is missing, from another kvcap format, damaged, or when its files
     * do not belong together: {@code model.params} must match the checksum in {@code kvcap.json}
     * (when recorded), fit the network {@code config.json} describes, and have as many words as
     * {@code vocab.json}, whose size {@code kvcap.json} also records.
     */
    public static SavedModel load(Path dir, NDManager manager) {
        dir = resolve(dir);
        Path params = dir.resolve(PARAMS);
        try {
            JsonObject marker = readMarker(dir);
            int format = intField(marker, "format", dir);
            int version = intField(marker, "modelVersion", dir);
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
            KvcapConfig config = readConfig(dir);
            JsonElement preset = marker.get("preset");
            if (preset != null && preset.isJsonPrimitive() && !preset.getAsString().equals(config.preset())) {
                throw new IllegalArgumentException(
                        dir.resolve(CONFIG) + " is for preset '" + config.preset() + "' but " + MARKER + " records '"
                                + preset.getAsString() + "': it is not the config saved with these weights; put that one back");
            }
            if (!Files.isRegularFile(dir.resolve(VOCAB))) {
                throw new IllegalArgumentException(
                        dir.resolve(VOCAB) + " is missing; copy the whole model directory, or retrain");
            }
            Vocabulary vocab;
            try {
                vocab = Vocabulary.load(dir.resolve(VOCAB));
            } catch (DataException e) {
                throw new IllegalArgumentException(
                        oneLine(e.getMessage()) + "; put back the vocab.json saved with the model, or retrain");
            }
            if (!Files.isRegularFile(params)) {
                throw new IllegalArgumentException(
                        dir + " has no " + PARAMS + " (the weights): copy the whole model directory, or retrain");
            }
            Optional<ParamsFile.Sum> sum = ParamsFile.Sum.readFrom(marker, dir.resolve(MARKER));
            if (sum.isPresent()) {
                ParamsFile.verify(params, sum.get());
            }
            KvmCaptionModel model = new KvmCaptionModel(config.model(), vocab.size());
            model.initialize(manager);
            ParamsFile.read(model, params, manager, vocab.size(), sum.isPresent());
            if (marker.has("vocabSize") && intField(marker, "vocabSize", dir) != vocab.size()) {
                throw new IllegalArgumentException(
                        dir.resolve(MARKER) + " records vocabSize " + marker.get("vocabSize") + " but vocab.json and "
                                + PARAMS + " have " + vocab.size() + " words; put back the kvcap.json saved with the model");
            }
            CellIndex cells = null;
            if (config.model().retrievalMemory()) {
                Path file = dir.resolve(CellIndex.FILE);
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException(
                            dir + " has no " + CellIndex.FILE + " (the captioned images its memory reads): copy the whole model directory, or retrain");
                }
                cells = CellIndex.read(file, vocab.size());
                if (cells.descriptor() != ImageDescriptor.of(config.model())) {
                    throw new IllegalArgumentException(file + " holds " + cells.descriptor().label() + " descriptors but "
                            + dir.resolve("config.json") + " says model.memoryFeatures '" + config.model().memoryFeatures()
                            + "'; copy the whole model directory again");
                }
            }
            return new SavedModel(config, vocab, model, cells);
        } catch (IOException | UncheckedIOException e) {
            Throwable io = e instanceof UncheckedIOException u ? u.getCause() : e;
            String why = io.getMessage() == null ? io.getClass().getSimpleName() : oneLine(io.getMessage());
            throw new IllegalArgumentException("cannot read model directory " + dir + ": " + why);
        }
    }

    /** The config a model directory (or its {@code best/}) was trained with. */
    public static KvcapConfig readConfig(Path dir) {
        Path file = resolve(dir).resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is missing; copy the whole model directory, or retrain");
        }
        try {
            return ConfigJson.savedFromJson(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException | JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(
                    file + ": " + oneLine(e.getMessage()) + "; put back the config.json saved with the model");
        }
    }

    /** {@code kvcap.json} of a resolved model directory, as a JSON object. */
    private static JsonObject readMarker(Path dir) {
        Path file = dir.resolve(MARKER);
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(file + " is not a JSON object; the model directory is damaged: copy it again, or retrain");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(
                    file + ": malformed JSON (" + ConfigJson.problem(e) + "); the model directory is damaged: copy it again, or retrain");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static int intField(JsonObject marker, String field, Path dir) {
        JsonElement e = marker.get(field);
        if (e == null) {
            return -1;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double v = e.getAsDouble();
            if (v == Math.rint(v) && Math.abs(v) < Integer.MAX_VALUE) {
                return (int) v;
            }
        }
        throw new IllegalArgumentException(
                dir.resolve(MARKER) + ": \"" + field + "\" must be a whole number, not " + e
                        + "; the model directory is damaged: copy it again, or retrain");
    }

    /** {@code dir} when it is a model directory, else its {@code best/}; one-line errors otherwise. */
    private static Path resolve(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model directory " + dir
                    + (Files.exists(dir) ? " is a file; give the folder that train wrote (--out)" : " does not exist"));
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

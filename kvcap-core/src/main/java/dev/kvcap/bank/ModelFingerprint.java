package dev.kvcap.bank;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.kvcap.data.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A stable id for a trained model: the first 16 hex characters of the SHA-256 of its {@code
 * model.params}. Keys computed by one set of weights mean nothing to another, so a bank records the
 * id it was built with and is refused by any other model (even one retrained from the same config).
 *
 * <p>The id is kept in {@code fingerprint.json} beside the weights, with the size and modification
 * time of the {@code model.params} it was computed from, and reused while both match: hashing the
 * weights at every bank open cost 76 ms for the 18 MB demo model in a fresh JVM, and about 6.5 ms
 * per MB where the JIT stops at C1, as {@code bin/kvcap} runs short commands (a {@code vgg16}
 * model is about 550 MB). When the file cannot be written (a read-only model), every open hashes.
 */
public final class ModelFingerprint {

    static final String MARKER = "kvcap.json";
    static final String PARAMS = "model.params";
    static final String BEST = "best";
    static final String CACHE = "fingerprint.json";

    private ModelFingerprint() {}

    /**
     * The id of the model in {@code modelDir} (or in its {@code best/} when {@code modelDir} has no
     * {@code kvcap.json} of its own). {@link BankException} when it is not a model directory.
     */
    public static String of(Path modelDir) {
        Path dir = weightsDir(modelDir);
        Path params = dir.resolve(PARAMS);
        if (!Files.isRegularFile(params)) {
            throw new BankException(dir + " has no " + PARAMS + ": pass the --out of kvcap train");
        }
        try {
            JsonObject file = describe(params);
            Optional<String> known = cached(dir.resolve(CACHE), file);
            if (known.isPresent()) {
                return known.get();
            }
            String id = sha256(params).substring(0, 16);
            file.addProperty("id", id);
            try {
                AtomicFiles.write(dir.resolve(CACHE), file + "\n");
            } catch (IOException e) {
                // a read-only model directory: hash again next time
            }
            return id;
        } catch (IOException e) {
            throw new BankException("cannot read " + params + " (" + e.getMessage() + ")", e);
        }
    }

    /** Size and modification time of the weights file, as the cache records them. */
    private static JsonObject describe(Path params) throws IOException {
        BasicFileAttributes a = Files.readAttributes(params, BasicFileAttributes.class);
        JsonObject o = new JsonObject();
        o.addProperty("bytes", a.size());
        o.addProperty("modified", a.lastModifiedTime().toString());
        return o;
    }

    /** The cached id, when the cache describes the same file; anything unreadable counts as absent. */
    private static Optional<String> cached(Path cache, JsonObject file) {
        try {
            JsonObject c = JsonParser.parseString(Files.readString(cache, StandardCharsets.UTF_8)).getAsJsonObject();
            boolean same = file.get("bytes").equals(c.get("bytes")) && file.get("modified").equals(c.get("modified"));
            String id = c.has("id") ? c.get("id").getAsString() : "";
            return same && id.matches("[0-9a-f]{16}") ? Optional.of(id) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The directory holding the model files: {@code modelDir} itself, or its {@code best/}. */
    public static Path weightsDir(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            throw new BankException("model directory " + modelDir
                    + (Files.exists(modelDir) ? " is a file; give the folder that train wrote (--out)" : " does not exist"));
        }
        for (Path dir : new Path[] {modelDir, modelDir.resolve(BEST)}) {
            Path marker = dir.resolve(MARKER);
            if (Files.isRegularFile(marker)) {
                checkMarker(marker);
                return dir;
            }
        }
        throw new BankException(
                modelDir + " is not a kvcap model directory (no " + MARKER + "): pass the --out of kvcap train");
    }

    private static void checkMarker(Path marker) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(marker, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new BankException(marker + " is not a JSON object: the model directory is damaged");
            }
        } catch (JsonParseException e) {
            throw new BankException(marker + " is malformed JSON: the model directory is damaged", e);
        } catch (IOException e) {
            throw new BankException("cannot read " + marker + " (" + e.getMessage() + ")", e);
        }
    }
}

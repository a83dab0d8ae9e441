package dev.kvcap.bank;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A stable id for a trained model: the first 16 hex characters of the SHA-256 of its {@code
 * model.params}. Keys computed by one set of weights mean nothing to another, so a bank records the
 * id it was built with and is refused by any other model (even one retrained from the same config).
 */
public final class ModelFingerprint {

    static final String MARKER = "kvcap.json";
    static final String PARAMS = "model.params";
    static final String BEST = "best";

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
        try (InputStream in = Files.newInputStream(params)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new BankException("cannot read " + params + " (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The directory holding the model files: {@code modelDir} itself, or its {@code best/}. */
    public static Path weightsDir(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            throw new BankException("model directory " + modelDir + " does not exist");
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

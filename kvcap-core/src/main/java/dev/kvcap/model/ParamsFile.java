package dev.kvcap.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * {@code model.params}: written with its length and CRC32C checksum (recorded in {@code kvcap.json}),
 * checked against them before it is parsed, and read back into a network whose every parameter
 * must keep the shape the config and vocabulary give it. DJL's own reader takes whatever shapes the
 * file holds, so without these checks a damaged file or a {@code vocab.json} of another size loaded
 * and captioned {@code <unk>}.
 *
 * <p>Why CRC32C and not SHA-256: the checksum guards against damage (a truncated copy, flipped
 * bits), not against someone who can rewrite {@code kvcap.json} as well. Measured on this project's
 * 2-core machine with the JIT stopped at C1, as {@code bin/kvcap} runs {@code caption}: SHA-256 took
 * 7–9 ms per MB (4–5 s for a 550 MB {@code vgg16} model, at every load), CRC32C 0.02–0.04 ms per MB.
 */
final class ParamsFile {

    /** The recorded length and checksum of a {@code model.params}. */
    record Sum(long bytes, String crc32c) {

        static final String BYTES = "paramsBytes";
        static final String CRC32C = "paramsCrc32c";

        void writeTo(JsonObject marker) {
            marker.addProperty(BYTES, bytes);
            marker.addProperty(CRC32C, crc32c);
        }

        /** The sum recorded in {@code kvcap.json}, or empty for a directory saved before checksums. */
        static Optional<Sum> readFrom(JsonObject marker, Path markerFile) {
            if (!marker.has(BYTES) && !marker.has(CRC32C)) {
                return Optional.empty();
            }
            try {
                String crc = marker.get(CRC32C).getAsString();
                long bytes = marker.get(BYTES).getAsLong();
                if (crc.matches("[0-9a-f]{8}") && bytes >= 0) {
                    return Optional.of(new Sum(bytes, crc));
                }
            } catch (RuntimeException e) {
                // reported below
            }
            throw new IllegalArgumentException(
                    markerFile + ": \"" + BYTES + "\" and \"" + CRC32C + "\" must be a length and 8 hex digits;"
                            + " the model directory is damaged: copy it again or retrain");
        }
    }

    private ParamsFile() {}

    /** Writes {@code model}'s parameters to {@code file}; returns what to record. */
    static Sum write(KvmCaptionModel model, Path file) throws IOException {
        CRC32C crc = new CRC32C();
        try (DataOutputStream out =
                new DataOutputStream(
                        new CheckedOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), crc))) {
            model.saveParameters(out);
            out.flush();
            return new Sum(out.size() < Integer.MAX_VALUE ? out.size() : Files.size(file), hex(crc.getValue()));
        }
    }

    /** The length and checksum of {@code file} as it is now. */
    static Sum of(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        long bytes = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                crc.update(buf, 0, n);
                bytes += n;
            }
        }
        return new Sum(bytes, hex(crc.getValue()));
    }

    /** Throws a one-line {@link IllegalArgumentException} unless {@code file} is what {@code recorded} says. */
    static void verify(Path file, Sum recorded) throws IOException {
        long size = Files.size(file);
        if (size != recorded.bytes()) {
            throw new IllegalArgumentException(
                    file + " is damaged: it has " + String.format("%,d", size) + " bytes where kvcap.json records "
                            + String.format("%,d", recorded.bytes()) + (size < recorded.bytes() ? " (a truncated copy?)" : "")
                            + "; copy the model directory again, or retrain");
        }
        Sum now = of(file);
        if (!now.equals(recorded)) {
            throw new IllegalArgumentException(
                    file + " is damaged: its CRC32C checksum is " + now.crc32c() + " where kvcap.json records "
                            + recorded.crc32c() + "; copy the model directory again, or retrain");
        }
    }

    /**
     * Reads {@code file} into {@code model} (initialised, so that every parameter has the shape its
     * config and vocabulary give it) and checks that each kept that shape and that nothing was left
     * over. {@code vocabSize} and {@code checked} only shape the messages.
     *
     * @param checked whether the file already matched a recorded checksum (so it is not damaged)
     */
    static void read(KvmCaptionModel model, Path file, NDManager manager, int vocabSize, boolean checked)
            throws IOException {
        Map<String, Shape> expected = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            expected.put(p.getKey(), p.getValue().getArray().getShape());
        }
        String misfit = file + " does not fit " + file.resolveSibling("config.json");
        String remedy = "; the files come from different models: put back the config.json saved with these weights";
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            try {
                model.loadParameters(manager, in);
            } catch (EOFException e) {
                throw new IllegalArgumentException(checked
                        ? misfit + " (the network it describes has more parameters)" + remedy
                        : file + " ends early (a truncated copy?), or does not fit config.json; copy the model directory again, or retrain");
            } catch (MalformedModelException | IllegalArgumentException | IllegalStateException | NegativeArraySizeException e) {
                throw new IllegalArgumentException(checked
                        ? misfit + " (its layers are not those of the network config.json describes)" + remedy
                        : file + " is damaged or does not fit config.json (" + oneLine(e.getMessage())
                                + "); copy the model directory again, or retrain");
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException(misfit + " (the file holds more than the network it describes)"
                        + (checked ? remedy : "; it is damaged, or the files come from different models: copy the model directory again, or retrain"));
            }
        }
        long trainedWords = model.wordEmbedding().weight().getArray().getShape().get(0);
        if (trainedWords != vocabSize) {
            throw new IllegalArgumentException(
                    file.resolveSibling("vocab.json") + " has " + vocabSize + " words but " + file + " was trained with "
                            + trainedWords + "; put back the vocab.json saved with these weights");
        }
        for (Pair<String, Parameter> p : model.getParameters()) {
            Shape want = expected.get(p.getKey());
            Shape got = p.getValue().getArray().getShape();
            if (want.equals(got)) {
                continue;
            }
            throw new IllegalArgumentException(
                    misfit + " (parameter " + p.getKey() + " is " + got + " in the file, " + want + " by the config)" + remedy);
        }
    }

    private static String hex(long crc) {
        return String.format("%08x", crc);
    }

    private static String oneLine(String s) {
        return s == null ? "no detail" : s.replaceAll("\\s+", " ").trim();
    }
}

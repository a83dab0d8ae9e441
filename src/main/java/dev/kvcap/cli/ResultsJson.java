package dev.kvcap.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Writes MSCOCO results JSON {@code [{"image_id", "caption"}]} atomically. */
final class ResultsJson {

    private ResultsJson() {}

    static void write(Path file, Map<Long, String> results) throws IOException {
        JsonArray arr = new JsonArray();
        results.forEach(
                (id, caption) -> {
                    JsonObject o = new JsonObject();
                    o.addProperty("image_id", id);
                    o.addProperty("caption", caption);
                    arr.add(o);
                });
        writeAtomically(file, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(arr));
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

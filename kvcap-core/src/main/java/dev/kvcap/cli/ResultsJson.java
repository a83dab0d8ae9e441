package dev.kvcap.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kvcap.data.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
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
        AtomicFiles.write(file, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(arr) + "\n");
    }

}

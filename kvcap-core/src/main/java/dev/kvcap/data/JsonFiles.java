package dev.kvcap.data;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.kvcap.config.ConfigJson;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** JSON reading with one-line, file-naming errors, and atomic file writes. Package-private. */
final class JsonFiles {

    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private JsonFiles() {}

    /** Parses {@code file}; errors name the file and, where Gson knows it, the line and column. */
    static JsonElement read(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataException(file + ": is a folder; give the JSON file in it");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": file not found; check the path");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r);
        } catch (JsonParseException e) {
            throw new DataException(file + ": malformed JSON (" + ConfigJson.problem(e) + ")", e);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found; check the path", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + oneLine(e.toString()) + ")", e);
        }
    }

    /** Parses JSON text; {@code source} names it in errors. */
    static JsonElement parse(String json, String source) {
        try {
            return JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new DataException(source + ": malformed JSON (" + ConfigJson.problem(e) + ")", e);
        }
    }

    static JsonObject object(JsonElement e, Path file, String what) {
        if (e == null || !e.isJsonObject()) {
            throw new DataException(file + ": " + what + " must be a JSON object");
        }
        return e.getAsJsonObject();
    }

    static JsonArray array(JsonObject o, String field, Path file, String where) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonArray()) {
            throw new DataException(
                    file + ": " + where + " needs an array field \"" + field + "\"");
        }
        return e.getAsJsonArray();
    }

    static String string(JsonObject o, String field, Path file, String where) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive()) {
            throw new DataException(
                    file + ": " + where + " needs a string field \"" + field + "\"");
        }
        return e.getAsString();
    }

    static long number(JsonObject o, String field, Path file, String where) {
        JsonElement e = o.get(field);
        if (e instanceof JsonPrimitive p && (p.isNumber() || p.isString())) {
            try {
                return p.getAsBigDecimal().longValueExact();
            } catch (ArithmeticException | NumberFormatException ex) {
                // fall through to the error below
            }
        }
        throw new DataException(file + ": " + where + " needs an integer field \"" + field + "\"");
    }

    static boolean has(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e != null && !e.isJsonNull();
    }

    static String oneLine(String s) {
        return s == null
                ? ""
                : s.replaceAll("\\s*See https?://\\S+", "")
                        .replaceAll("\\s*\\R\\s*", " ")
                        .trim();
    }
}

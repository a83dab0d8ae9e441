package dev.kvcap.config;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * JSON form of {@link KvcapConfig}, and {@code --config} resolution: a preset name, or a JSON file
 * of overrides on top of a preset ({@code {"preset":"small","train":{"epochs":5}}}). Unknown keys
 * are errors, so a typo never silently trains the wrong model.
 */
public final class ConfigJson {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private ConfigJson() {}

    public static String toJson(KvcapConfig config) {
        return GSON.toJson(config);
    }

    /** Parses a complete config (as written by {@link #toJson}); missing keys come from its preset. */
    public static KvcapConfig fromJson(String json) {
        JsonObject overrides = parseObject(json, "config");
        JsonElement named = overrides.has("preset") ? overrides.get("preset") : new JsonPrimitive("small");
        if (!named.isJsonPrimitive() || !named.getAsJsonPrimitive().isString()) {
            throw mustBe("preset", "a preset's name (" + String.join(", ", Presets.NAMES) + ")", named);
        }
        String preset = named.getAsString();
        return merge(Presets.named(preset), overrides);
    }

    /**
     * Parses the config saved with a model ({@code config.json}). Like {@link #fromJson}, with one
     * difference: a model saved before {@code model.memoryCells} existed was trained with the
     * learned-slot memory, whatever its preset now defaults to, so a missing {@code memoryCells}
     * reads as 0 there; likewise a missing {@code memoryFeatures} reads as {@code pixels} and a
     * missing {@code memoryVotePower} as 0 (equal votes) and a missing {@code memoryWrite} as true,
     * what every retrieval memory used before those options; and a missing {@code
     * train.captionTarget} as {@code all}, how every model trained before it.
     */
    public static KvcapConfig savedFromJson(String json) {
        JsonObject saved = parseObject(json, "config");
        if (saved.has("model") && saved.get("model").isJsonObject()) {
            JsonObject model = saved.getAsJsonObject("model");
            if (!model.has("memoryCells")) {
                model.addProperty("memoryCells", 0);
            }
            if (!model.has("memoryFeatures")) {
                model.addProperty("memoryFeatures", "pixels");
            }
            if (!model.has("memoryVotePower")) {
                model.addProperty("memoryVotePower", 0);
            }
            if (!model.has("memoryWrite")) {
                model.addProperty("memoryWrite", true);
            }
        }
        if (saved.has("train") && saved.get("train").isJsonObject() && !saved.getAsJsonObject("train").has("captionTarget")) {
            saved.getAsJsonObject("train").addProperty("captionTarget", TrainConfig.ALL); // how every model before the option trained
        }
        return fromJson(saved.toString());
    }

    /**
     * Resolves a {@code --config} argument: a preset name or a path to a JSON overrides file.
     *
     * @throws IllegalArgumentException with a one-line reason when neither works
     */
    public static KvcapConfig resolve(String presetOrFile) {
        if (Presets.NAMES.contains(presetOrFile)) {
            return Presets.named(presetOrFile);
        }
        Path file = Path.of(presetOrFile);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "--config '"
                            + presetOrFile
                            + "' is neither a preset ("
                            + String.join(", ", Presets.NAMES)
                            + ") nor a readable JSON file");
        }
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config " + file + ": " + e.getMessage());
        }
    }

    /** Applies the overrides object to {@code base}, section by section, rejecting unknown keys. */
    public static KvcapConfig merge(KvcapConfig base, JsonObject overrides) {
        JsonObject merged = GSON.toJsonTree(base).getAsJsonObject();
        for (Map.Entry<String, JsonElement> section : overrides.entrySet()) {
            String name = section.getKey();
            if (name.equals("preset")) {
                merged.add(name, section.getValue());
                continue;
            }
            if (!merged.has(name) || !merged.get(name).isJsonObject()) {
                throw new IllegalArgumentException(
                        "unknown config section '" + name + "' (known: model, data, train, decode, scst)");
            }
            if (!section.getValue().isJsonObject()) {
                throw new IllegalArgumentException("config section '" + name + "' must be an object");
            }
            JsonObject target = merged.getAsJsonObject(name);
            for (Map.Entry<String, JsonElement> field :
                    section.getValue().getAsJsonObject().entrySet()) {
                if (!target.has(field.getKey())) {
                    throw new IllegalArgumentException(
                            "unknown config key '" + name + "." + field.getKey() + "'");
                }
                String key = name + "." + field.getKey();
                JsonElement value = field.getValue();
                String expected = kind(target.get(field.getKey()));
                if (expected != null && (value.isJsonNull() || !expected.equals(kind(value)) && !readsAs(value, expected))) {
                    throw mustBe(key, expected, value);
                }
                target.add(field.getKey(), numbers(key, value, componentType(name, field.getKey())));
            }
        }
        try {
            return GSON.fromJson(merged, KvcapConfig.class).validate();
        } catch (JsonParseException | NumberFormatException | IllegalStateException e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause(); // Gson wraps a NumberFormatException; its message alone names the value
            }
            throw new IllegalArgumentException("bad config value: " + gsonMessage(cause));
        }
    }

    private static IllegalArgumentException mustBe(String key, String expected, JsonElement value) {
        return new IllegalArgumentException("config key '" + key + "' must be " + expected + ", got " + oneLine(value.toString()));
    }

    /** The declared type of {@code section.key}: {@code int}, {@code List<Integer>}... */
    private static Type componentType(String section, String key) {
        for (RecordComponent s : KvcapConfig.class.getRecordComponents()) {
            if (s.getName().equals(section)) {
                for (RecordComponent c : s.getType().getRecordComponents()) {
                    if (c.getName().equals(key)) {
                        return c.getGenericType();
                    }
                }
            }
        }
        return null;
    }

    /**
     * {@code value}, already of the right kind, as Gson must read it into a component of {@code
     * type}: a whole number where an {@code int} or {@code long} goes, in its range (Gson would cut
     * 2.5 to 2 and wrap 3000000000 round to a negative {@code int}), and a finite number where a
     * {@code float} or {@code double} goes; for a list, each of its elements. One-line errors
     * name the key.
     */
    private static JsonElement numbers(String key, JsonElement value, Type type) {
        if (type instanceof ParameterizedType list && value.isJsonArray()) {
            Type element = list.getActualTypeArguments()[0];
            JsonArray read = new JsonArray();
            for (JsonElement e : value.getAsJsonArray()) {
                JsonElement n = number(e, element);
                if (n == null) {
                    throw mustBe(key, "a list of " + (element == Integer.class ? "whole numbers" : "numbers"), value);
                }
                read.add(n);
            }
            return read;
        }
        if (!(type instanceof Class<?> c) || !c.isPrimitive() || c == boolean.class) {
            return value;
        }
        JsonElement n = number(value, type);
        if (n != null) {
            return n;
        }
        if (c == float.class || c == double.class) {
            throw mustBe(key, c == float.class ? "a number between -3.4e38 and 3.4e38" : "a finite number", value);
        }
        boolean whole = isWhole(value);
        throw mustBe(key, whole ? "a whole number between " + (c == int.class ? Integer.MIN_VALUE + " and " + Integer.MAX_VALUE
                : Long.MIN_VALUE + " and " + Long.MAX_VALUE) : "a whole number", value);
    }

    /** {@code e} as a JSON number that fits a {@code type} ({@code int}, {@code Integer}, {@code float}...); null when it does not. */
    private static JsonElement number(JsonElement e, Type type) {
        if (!e.isJsonPrimitive() || e.getAsJsonPrimitive().isBoolean()) {
            return null;
        }
        String s = e.getAsString().strip();
        try {
            if (type == int.class || type == Integer.class) {
                return new JsonPrimitive(new BigDecimal(s).intValueExact());
            }
            if (type == long.class || type == Long.class) {
                return new JsonPrimitive(new BigDecimal(s).longValueExact());
            }
            double d = Double.parseDouble(s);
            boolean finite = type == float.class || type == Float.class ? Float.isFinite((float) d) : Double.isFinite(d);
            return finite ? e : null;
        } catch (NumberFormatException | ArithmeticException notThatNumber) {
            return null;
        }
    }

    private static boolean isWhole(JsonElement e) {
        try {
            return new BigDecimal(e.getAsString().strip()).stripTrailingZeros().scale() <= 0;
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }

    /** Whether a JSON string reads as {@code kind} ("5", "0.5", "true"), as Gson accepts it. */
    private static boolean readsAs(JsonElement e, String kind) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            return false;
        }
        String s = e.getAsString().strip();
        if (kind.equals("true or false")) {
            return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
        }
        if (kind.equals("a number")) {
            try {
                Double.parseDouble(s);
                return true;
            } catch (NumberFormatException notANumber) {
                return false;
            }
        }
        return false;
    }

    /** What kind of JSON value {@code e} is, as a config error names it; null for JSON null. */
    private static String kind(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonArray()) {
            return "a list";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isNumber() ? "a number" : p.isBoolean() ? "true or false" : "a string";
    }

    static JsonObject parseObject(String json, String what) {
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(what + " must be a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("malformed JSON (" + problem(e) + ")");
        }
    }

    /**
     * Why Gson could not read some JSON, for a one-line error: its message without the exception's
     * name, the troubleshooting link it may end with, or its advice to parse leniently.
     */
    public static String problem(JsonParseException e) {
        return gsonMessage(e.getCause() != null ? e.getCause() : e);
    }

    private static String gsonMessage(Throwable e) {
        return oneLine(String.valueOf(e.getMessage()))
                .replaceAll("\\s*See https://github\\.com/google/gson/\\S*", "")
                .replaceAll("Use JsonReader\\.set\\w+\\([^)]*\\) to accept malformed JSON", "unexpected text");
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}

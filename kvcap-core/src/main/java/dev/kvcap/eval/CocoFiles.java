package dev.kvcap.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads COCO caption files: references ({@code {"images": [...], "annotations": [{"image_id",
 * "caption"}]}}) and results ({@code [{"image_id", "caption"}]}), their fields by the rule every
 * kvcap reader of COCO files applies ({@link CocoFields}). Every problem is a {@link
 * MetricsInputException} with a one-line message naming the file.
 */
public final class CocoFiles {

  private CocoFiles() {}

  /**
   * Reference captions by image id, in the order of the file's {@code images} list (then any
   * annotated image the list lacks, in annotation order), each image's captions in annotation
   * order. Images without annotations are left out.
   */
  public static Map<Long, List<String>> readReferences(Path file) {
    JsonElement root = parse(file);
    if (!root.isJsonObject() || !root.getAsJsonObject().has("annotations")) {
      throw new MetricsInputException(file + ": not a COCO captions file (no \"annotations\")");
    }
    JsonObject object = root.getAsJsonObject();
    JsonArray annotations = array(object.get("annotations"), file, "\"annotations\"");
    Set<Long> order = new LinkedHashSet<>();
    if (object.has("images")) {
      JsonArray images = array(object.get("images"), file, "\"images\"");
      for (int k = 0; k < images.size(); k++) {
        JsonElement image = images.get(k);
        if (!image.isJsonObject()) {
          throw new MetricsInputException(file + ": images[" + k + "] is not an object");
        }
        order.add(id(image.getAsJsonObject().get("id"), file, "images[" + k + "].id"));
      }
    }
    Map<Long, List<String>> byImage = new LinkedHashMap<>();
    for (int k = 0; k < annotations.size(); k++) {
      String where = "annotations[" + k + "]";
      JsonObject ann = entry(annotations.get(k), file, where);
      long id = id(ann.get("image_id"), file, where + ".image_id");
      String caption = caption(ann.get("caption"), file, where + ".caption");
      byImage.computeIfAbsent(id, x -> new ArrayList<>()).add(caption);
    }
    Map<Long, List<String>> refs = new LinkedHashMap<>();
    for (Long id : order) {
      if (byImage.containsKey(id)) {
        refs.put(id, byImage.get(id));
      }
    }
    for (Map.Entry<Long, List<String>> e : byImage.entrySet()) {
      refs.putIfAbsent(e.getKey(), e.getValue());
    }
    return refs;
  }

  /**
   * Candidate captions by image id, in file order.
   *
   * @throws MetricsInputException also when an image id appears twice
   */
  public static Map<Long, String> readResults(Path file) {
    JsonElement root = parse(file);
    if (!root.isJsonArray()) {
      throw new MetricsInputException(
          file + ": not a COCO results file (expected a JSON array of {image_id, caption})");
    }
    JsonArray entries = root.getAsJsonArray();
    Map<Long, String> results = new LinkedHashMap<>();
    for (int k = 0; k < entries.size(); k++) {
      String where = "[" + k + "]";
      JsonObject entry = entry(entries.get(k), file, where);
      long id = id(entry.get("image_id"), file, where + ".image_id");
      String caption = caption(entry.get("caption"), file, where + ".caption");
      if (results.putIfAbsent(id, caption) != null) {
        throw new MetricsInputException(
            file + ": image_id " + id + " has more than one result (entry " + k + ")");
      }
    }
    return results;
  }

  /**
   * Checks results against references as the toolkit does and says what it would leave out.
   *
   * @return how many reference images have no result (they are not scored, as in the toolkit)
   * @throws MetricsInputException if a result's image has no references (the toolkit asserts)
   */
  public static int checkCoverage(Map<Long, List<String>> refs, Map<Long, String> results) {
    for (Long id : results.keySet()) {
      if (!refs.containsKey(id)) {
        throw new MetricsInputException(
            "result for image " + id + " has no reference captions in the annotation file");
      }
    }
    int missing = 0;
    for (Long id : refs.keySet()) {
      if (!results.containsKey(id)) {
        missing++;
      }
    }
    return missing;
  }

  private static JsonElement parse(Path file) {
    if (Files.isDirectory(file)) {
      throw new MetricsInputException(file + ": is a folder; give the JSON file");
    }
    if (!Files.exists(file)) {
      throw new MetricsInputException(file + ": no such file");
    }
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return JsonParser.parseReader(reader);
    } catch (JsonParseException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e; // Gson's message without the exception's name
      // Gson's link to its troubleshooting page and its advice to parse leniently help no user of kvcap;
      // worded as ConfigJson.problem words them for train and evaluate (the metrics package reads no config)
      throw new MetricsInputException(file + ": malformed JSON ("
          + oneLine(cause.getMessage()).replaceAll("\\s*See https://github\\.com/google/gson/\\S*", "")
              .replaceAll("Use JsonReader\\.set\\w+\\([^)]*\\) to accept malformed JSON", "unexpected text") + ")");
    } catch (IOException e) {
      String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
      throw new MetricsInputException(file + ": cannot read: " + oneLine(why));
    }
  }

  private static JsonArray array(JsonElement e, Path file, String what) {
    if (e == null || !e.isJsonArray()) {
      throw new MetricsInputException(file + ": " + what + " is not an array");
    }
    return e.getAsJsonArray();
  }

  private static JsonObject entry(JsonElement e, Path file, String where) {
    if (!e.isJsonObject()) {
      throw new MetricsInputException(file + ": " + where + " is not an object");
    }
    return e.getAsJsonObject();
  }

  private static long id(JsonElement e, Path file, String where) {
    return CocoFields.imageId(e, where, m -> new MetricsInputException(file + ": " + m));
  }

  private static String caption(JsonElement e, Path file, String where) {
    return CocoFields.caption(e, where, m -> new MetricsInputException(file + ": " + m));
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}

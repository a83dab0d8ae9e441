package dev.kvcap.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.function.Function;

/**
 * The one rule for the fields of MSCOCO-format files, which every reader applies: {@code score}'s
 * references and results ({@link CocoFiles}), the captions {@code train}, {@code evaluate}, {@code
 * baseline} and {@code memory build} read, and Karpathy split files.
 *
 * <ul>
 *   <li><b>Image id</b> ({@code images[].id}, {@code annotations[].image_id}, a result's {@code
 *       image_id}, Karpathy's {@code cocoid} / {@code imgid}): a JSON number with a whole value that
 *       fits in 64 bits; {@code 7.0} is the id 7. A string such as {@code "7"} is not an id: the
 *       official toolkit would never match it to the number 7.
 *   <li><b>Caption</b> ({@code annotations[].caption}, a result's {@code caption}, Karpathy's {@code
 *       raw} and {@code tokens}): a JSON string (possibly empty). A number is not a caption.
 *   <li><b>File name</b> ({@code images[].file_name}, Karpathy's {@code filename} and {@code
 *       filepath}): a non-empty JSON string.
 * </ul>
 *
 * <p>Each check takes where the field is ({@code "annotations[3].image_id"}) and how to make the
 * reader's own exception from the message, so that every reader says the same thing.
 */
public final class CocoFields {

  private CocoFields() {}

  /** The image id in {@code e}, by the rule above. */
  public static long imageId(
      JsonElement e, String where, Function<String, ? extends RuntimeException> error) {
    if (e instanceof JsonPrimitive p && p.isNumber()) {
      try {
        return new BigDecimal(p.getAsString()).longValueExact();
      } catch (ArithmeticException | NumberFormatException ex) {
        throw error.apply(
            where + " is not an integer image id: " + shown(e) + " (ids are whole numbers within 64 bits, e.g. 391895)");
      }
    }
    throw error.apply(
        where
            + (e == null ? " is missing" : " is " + shown(e))
            + "; an image id must be an integer JSON number such as 391895, without quotes");
  }

  /** The caption in {@code e}, by the rule above. */
  public static String caption(
      JsonElement e, String where, Function<String, ? extends RuntimeException> error) {
    if (e instanceof JsonPrimitive p && p.isString()) {
      return p.getAsString();
    }
    throw error.apply(
        where
            + (e == null ? " is missing" : " is " + shown(e))
            + "; a caption must be a JSON string such as \"a man riding a horse\"");
  }

  /** The file name in {@code e}, by the rule above. */
  public static String fileName(
      JsonElement e, String where, Function<String, ? extends RuntimeException> error) {
    if (e instanceof JsonPrimitive p && p.isString() && !p.getAsString().isEmpty()) {
      return p.getAsString();
    }
    throw error.apply(
        where
            + (e == null ? " is missing" : " is " + shown(e))
            + "; a file name must be a non-empty JSON string such as \"COCO_val2014_000000391895.jpg\"");
  }

  /** {@code e} as a message shows it: its JSON, cut to 40 characters, or what kind of value it is. */
  private static String shown(JsonElement e) {
    if (e.isJsonNull()) {
      return "null";
    }
    if (e.isJsonObject()) {
      return "an object";
    }
    if (e.isJsonArray()) {
      return "an array";
    }
    String json = e.toString();
    String cut = json.length() > 40 ? json.substring(0, 39) + "…" : json;
    return e.getAsJsonPrimitive().isString()
        ? "the string " + cut
        : e.getAsJsonPrimitive().isBoolean() ? "the value " + cut : "the number " + cut;
  }
}

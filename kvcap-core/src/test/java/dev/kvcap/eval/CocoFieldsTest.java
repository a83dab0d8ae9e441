package dev.kvcap.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The one rule for COCO files' ids, captions and file names. */
class CocoFieldsTest {

  private static final Function<String, IllegalStateException> ERROR = IllegalStateException::new;

  private static JsonElement json(String s) {
    return JsonParser.parseString(s);
  }

  private static String refusedId(String s) {
    return assertThrows(IllegalStateException.class, () -> CocoFields.imageId(json(s), "x.id", ERROR)).getMessage();
  }

  @Test
  void anIdIsAnIntegerJsonNumberAndSevenPointZeroIsSeven() {
    assertEquals(391895L, CocoFields.imageId(json("391895"), "x.id", ERROR));
    assertEquals(7L, CocoFields.imageId(json("7.0"), "x.id", ERROR));
    assertEquals(-3L, CocoFields.imageId(json("-3"), "x.id", ERROR));
    assertEquals(Long.MAX_VALUE, CocoFields.imageId(json("9223372036854775807"), "x.id", ERROR));
  }

  @Test
  void stringsFractionsAndOversizedNumbersAreNotIds() {
    assertTrue(refusedId("\"7\"").startsWith("x.id is the string \"7\"; an image id must be an integer JSON number"));
    assertTrue(refusedId("7.5").startsWith("x.id is not an integer image id: the number 7.5"));
    assertTrue(refusedId("9223372036854775808").contains("not an integer image id"));
    assertTrue(refusedId("null").startsWith("x.id is null"));
    assertTrue(refusedId("true").startsWith("x.id is the value true"));
    assertTrue(refusedId("{}").startsWith("x.id is an object"));
    assertTrue(assertThrows(IllegalStateException.class, () -> CocoFields.imageId(null, "x.id", ERROR))
        .getMessage().startsWith("x.id is missing"));
  }

  @Test
  void aCaptionIsAJsonStringAndAFileNameANonEmptyOne() {
    assertEquals("", CocoFields.caption(json("\"\""), "c", ERROR));
    assertThrows(IllegalStateException.class, () -> CocoFields.caption(json("42"), "c", ERROR));
    assertEquals("a.jpg", CocoFields.fileName(json("\"a.jpg\""), "f", ERROR));
    assertThrows(IllegalStateException.class, () -> CocoFields.fileName(json("\"\""), "f", ERROR));
    assertThrows(IllegalStateException.class, () -> CocoFields.fileName(json("17"), "f", ERROR));
  }

  @Test
  void scoresReaderAppliesTheRule() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("results", ".json");
    try {
      java.nio.file.Files.writeString(f, "[{\"image_id\": 7.0, \"caption\": \"a\"}]");
      assertEquals(java.util.Map.of(7L, "a"), CocoFiles.readResults(f));
      java.nio.file.Files.writeString(f, "[{\"image_id\": \"7\", \"caption\": \"a\"}]");
      MetricsInputException e = assertThrows(MetricsInputException.class, () -> CocoFiles.readResults(f));
      assertTrue(e.getMessage().contains("[0].image_id is the string \"7\""), e.getMessage());
    } finally {
      java.nio.file.Files.delete(f);
    }
  }
}

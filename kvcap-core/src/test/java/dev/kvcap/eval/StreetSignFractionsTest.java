package dev.kvcap.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real val2017 references that once stopped {@code kvcap score} ("22 3/4 st.": a fraction is
 * one PTB token but two BLEU/CIDEr words), scored with nine fixture images against what the
 * official toolkit computed on the same files ({@code coco-metrics/street-signs/}).
 */
class StreetSignFractionsTest {

  private static final double TOLERANCE = 1e-9;
  private static JsonObject expected;
  private static Map<Long, List<String>> refs;
  private static Scores scores;

  @BeforeAll
  static void scoreTheStreetSignFiles() throws IOException {
    refs = CocoFiles.readReferences(CocoFixture.resource("street-signs/refs.json"));
    Map<Long, String> results =
        CocoFiles.readResults(CocoFixture.resource("street-signs/results.json"));
    expected = JsonParser.parseString(Files.readString(
            CocoFixture.resource("street-signs/expected.json"), StandardCharsets.UTF_8))
        .getAsJsonObject();
    scores = CaptionMetrics.score(refs, results,
        EnumSet.of(Metric.BLEU, Metric.ROUGE_L, Metric.CIDER));
  }

  @Test
  void theFractionCaptionsTokenizeAsTheToolkitDid() {
    JsonObject tokenized = expected.getAsJsonObject("tokenized");
    List<List<String>> ours = PtbTokenizer.tokenizeAll(refs.get(560371L));
    for (int r = 0; r < ours.size(); r++) {
      assertEquals(tokenized.getAsJsonArray("references").get(r).getAsString(),
          String.join(" ", ours.get(r)));
    }
    assertEquals(tokenized.get("candidate").getAsString(),
        String.join(" ", PtbTokenizer.tokenize("a street sign at the corner of 22 3/4 st and 8th ave")));
  }

  @Test
  void corpusScoresEqualTheToolkits() {
    for (Map.Entry<String, JsonElement> e : expected.getAsJsonObject("corpus").entrySet()) {
      assertEquals(e.getValue().getAsDouble(), scores.corpus().get(e.getKey()), TOLERANCE,
          e.getKey());
    }
  }

  @Test
  void bleuCountersEqualTheToolkitsWithEachFractionCountedAsTwoWords() {
    JsonObject stats = expected.getAsJsonObject("bleu_stats");
    assertEquals(stats.get("testlen").getAsLong(), scores.bleuStats().testlen());
    assertEquals(stats.get("reflen").getAsLong(), scores.bleuStats().reflen());
    assertArrayEquals(longs(stats, "guess"), scores.bleuStats().guess());
    assertArrayEquals(longs(stats, "correct"), scores.bleuStats().correct());
  }

  @Test
  void everyImagesScoresEqualTheToolkitsTheStreetSignImageIncluded() {
    JsonObject perImage = expected.getAsJsonObject("per_image");
    assertEquals(10, perImage.size());
    for (Map.Entry<String, JsonElement> img : perImage.entrySet()) {
      Map<String, Double> ours = scores.perImage().get(Long.parseLong(img.getKey()));
      assertNotNull(ours, img.getKey());
      for (Map.Entry<String, JsonElement> m : img.getValue().getAsJsonObject().entrySet()) {
        assertEquals(m.getValue().getAsDouble(), ours.get(m.getKey()), TOLERANCE,
            img.getKey() + " " + m.getKey());
      }
    }
  }

  private static long[] longs(JsonObject o, String key) {
    return o.getAsJsonArray(key).asList().stream().mapToLong(JsonElement::getAsLong).toArray();
  }
}

package dev.kvcap.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our scores against what the official toolkit computed on the same fixture files. */
class ToolkitConformanceTest {

  private static CocoFixture fixture;
  private static Scores scores;
  private static double tolerance;

  @BeforeAll
  static void scoreTheFixtureWithoutMeteor() {
    fixture = CocoFixture.load();
    scores = CaptionMetrics.score(fixture.refs, fixture.results,
        EnumSet.of(Metric.BLEU, Metric.ROUGE_L, Metric.CIDER));
    tolerance = fixture.expected.get("tolerance").getAsDouble();
  }

  @Test
  void everyCorpusScoreMatchesTheToolkit() {
    JsonObject corpus = fixture.expected.getAsJsonObject("corpus");
    assertEquals(6, corpus.size());
    for (Map.Entry<String, JsonElement> e : corpus.entrySet()) {
      Double ours = scores.corpus().get(e.getKey());
      assertNotNull(ours, e.getKey());
      assertEquals(e.getValue().getAsDouble(), ours, tolerance, e.getKey());
    }
  }

  @Test
  void corpusKeysComeInTheToolkitsOrder() {
    assertEquals(List.of("Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"),
        new ArrayList<>(scores.corpus().keySet()));
  }

  @Test
  void bleuCountersMatchTheToolkitExactly() {
    JsonObject stats = fixture.expected.getAsJsonObject("bleu_stats");
    BleuStats ours = scores.bleuStats();
    assertEquals(stats.get("testlen").getAsLong(), ours.testlen());
    assertEquals(stats.get("reflen").getAsLong(), ours.reflen());
    assertArrayEquals(longs(stats, "guess"), ours.guess());
    assertArrayEquals(longs(stats, "correct"), ours.correct());
  }

  @Test
  void perImageScoresMatchTheToolkit() {
    JsonObject perImage = fixture.expected.getAsJsonObject("per_image");
    assertEquals(50, perImage.size());
    for (Map.Entry<String, JsonElement> img : perImage.entrySet()) {
      Map<String, Double> ours = scores.perImage().get(Long.parseLong(img.getKey()));
      assertNotNull(ours, img.getKey());
      for (Map.Entry<String, JsonElement> metric : img.getValue().getAsJsonObject().entrySet()) {
        assertEquals(metric.getValue().getAsDouble(), ours.get(metric.getKey()), tolerance,
            img.getKey() + " " + metric.getKey());
      }
    }
  }

  @Test
  void everyResultImageIsScoredAndNoOther() {
    assertEquals(fixture.expected.get("n_images").getAsInt(), scores.perImage().size());
    assertEquals(fixture.results.keySet(), scores.perImage().keySet());
  }

  @Test
  void metricsThatWereNotAskedForAreAbsentNotZero() {
    assertFalse(scores.corpus().containsKey("METEOR"));
    assertFalse(scores.corpus().containsKey("SPICE"));
    assertFalse(scores.perImage().values().iterator().next().containsKey("METEOR"));
  }

  private static long[] longs(JsonObject o, String key) {
    return o.getAsJsonArray(key).asList().stream().mapToLong(JsonElement::getAsLong).toArray();
  }
}

package dev.kvcap.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input policies of {@link CaptionMetrics} and {@link CocoFiles}. */
class CaptionMetricsTest {

  @TempDir Path tmp;

  private static Map<Long, List<String>> refs() {
    Map<Long, List<String>> refs = new LinkedHashMap<>();
    refs.put(2L, List.of("A dog runs on the grass.", "A brown dog running in a field."));
    refs.put(1L, List.of("A man rides a horse.", "Someone riding a horse on a beach."));
    refs.put(3L, List.of("Two cats sleep on a sofa."));
    return refs;
  }

  @Test
  void aTokenizerFailureNamesTheImageAndTheCaptionItFailedOn() {
    Map<Long, List<String>> refs = refs();
    refs.put(560371L, List.of("Two cats.", "Street signs from the corner of 8th ave. and 22 3/4 st."));
    var real = CaptionMetrics.tokenizer;
    CaptionMetrics.tokenizer = lines -> {
      if (lines.stream().anyMatch(l -> l.contains("3/4"))) {
        throw new ArrayIndexOutOfBoundsException("Index 22 out of bounds for length 22");
      }
      return real.apply(lines);
    };
    try {
      ScoringException e = assertThrows(ScoringException.class,
          () -> CaptionMetrics.score(refs, Map.of(1L, "a man", 560371L, "a sign")));
      assertEquals("image 560371: tokenizer failed on \"…om the corner of 8th ave. and 22 3/4 st.\"",
          e.getMessage());
      assertTrue(e.getCause() instanceof ArrayIndexOutOfBoundsException);
    } finally {
      CaptionMetrics.tokenizer = real;
    }
  }

  @Test
  void anEmptyCaptionScoresZeroOnEveryMetricInsteadOfFailing() {
    Scores s = CaptionMetrics.score(refs(), Map.of(1L, "", 2L, "a dog runs on the grass"));
    Map<String, Double> empty = s.perImage().get(1L);
    assertEquals(List.of("Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "METEOR", "ROUGE_L", "CIDEr"),
        List.copyOf(empty.keySet()));
    for (double v : empty.values()) {
      assertEquals(0.0, v, 1e-12);
    }
    assertTrue(s.perImage().get(2L).get("METEOR") > 0.9);
  }

  @Test
  void onlyImagesWithAResultAreScoredInReferenceOrder() {
    Scores s = CaptionMetrics.score(refs(), Map.of(1L, "a man on a horse", 2L, "a dog"));
    assertEquals(List.of(2L, 1L), List.copyOf(s.perImage().keySet()));
  }

  @Test
  void aResultWithoutReferencesIsRefused() {
    MetricsInputException e = assertThrows(MetricsInputException.class,
        () -> CaptionMetrics.score(refs(), Map.of(9L, "a dog")));
    assertTrue(e.getMessage().contains("image 9"), e.getMessage());
    assertThrows(MetricsInputException.class, () -> CaptionMetrics.score(refs(), Map.of()));
  }

  @Test
  void coverageCheckCountsReferenceImagesWithoutAResult() {
    assertEquals(2, CocoFiles.checkCoverage(refs(), Map.of(1L, "a dog")));
    assertThrows(MetricsInputException.class,
        () -> CocoFiles.checkCoverage(refs(), Map.of(4L, "a dog")));
  }

  @Test
  void referencesFollowTheImagesListAndSkipImagesWithoutCaptions() throws Exception {
    Path file = tmp.resolve("ann.json");
    Files.writeString(file, "{\"images\": [{\"id\": 5}, {\"id\": 7}, {\"id\": 6}],"
        + " \"annotations\": [{\"image_id\": 6, \"caption\": \"b\"},"
        + " {\"image_id\": 5, \"caption\": \"a\"}, {\"image_id\": 6, \"caption\": \"c\"}]}");
    Map<Long, List<String>> refs = CocoFiles.readReferences(file);
    assertEquals(List.of(5L, 6L), List.copyOf(refs.keySet()));
    assertEquals(List.of("b", "c"), refs.get(6L));
  }

  @Test
  void aNonIntegerImageIdIsRefused() throws Exception {
    Path file = tmp.resolve("res.json");
    Files.writeString(file, "[{\"image_id\": 1.5, \"caption\": \"a\"}]");
    MetricsInputException e =
        assertThrows(MetricsInputException.class, () -> CocoFiles.readResults(file));
    assertTrue(e.getMessage().contains("not an integer"), e.getMessage());
  }
}

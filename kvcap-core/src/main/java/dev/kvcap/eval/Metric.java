package dev.kvcap.eval;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The metrics {@link CaptionMetrics} computes, in the toolkit's output order. */
public enum Metric {
  /** BLEU-1..4: keys {@code Bleu_1 .. Bleu_4}. */
  BLEU(List.of("Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4")),
  /** METEOR 1.5 without the paraphrase stage: key {@code METEOR}. */
  METEOR(List.of("METEOR")),
  /** ROUGE-L: key {@code ROUGE_L}. */
  ROUGE_L(List.of("ROUGE_L")),
  /** CIDEr-D: key {@code CIDEr}. */
  CIDER(List.of("CIDEr"));

  private final List<String> keys;

  Metric(List<String> keys) {
    this.keys = keys;
  }

  /** The toolkit's result keys for this metric. */
  public List<String> keys() {
    return keys;
  }

  /**
   * Parses a comma-separated list such as {@code bleu,meteor,rouge,cider} (case-insensitive;
   * {@code rouge_l} and {@code cider-d} are accepted too).
   *
   * @throws MetricsInputException on an unknown name or an empty list
   */
  public static Set<Metric> parseList(String list) {
    Set<Metric> metrics = EnumSet.noneOf(Metric.class);
    for (String raw : list.split(",")) {
      String name = raw.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      switch (name) {
        case "bleu" -> metrics.add(BLEU);
        case "meteor" -> metrics.add(METEOR);
        case "rouge", "rouge_l", "rouge-l" -> metrics.add(ROUGE_L);
        case "cider", "cider-d", "cider_d" -> metrics.add(CIDER);
        case "spice" -> throw new MetricsInputException("SPICE is not implemented");
        default -> throw new MetricsInputException(
            "unknown metric '" + raw.trim() + "' (known: bleu, meteor, rouge, cider)");
      }
    }
    if (metrics.isEmpty()) {
      throw new MetricsInputException("no metric selected");
    }
    return metrics;
  }
}

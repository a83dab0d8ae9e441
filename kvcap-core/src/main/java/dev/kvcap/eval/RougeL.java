package dev.kvcap.eval;

import java.util.List;

/**
 * ROUGE-L as the toolkit's {@code rouge.py} computes it: the longest common subsequence with each
 * reference, the best precision and the best recall taken separately over the references, their
 * F-measure with beta = 1.2, and the corpus score the mean over images.
 *
 * <p>The toolkit splits captions with {@code split(" ")}, so an empty caption is one empty token;
 * that is kept: an empty candidate scores 0 against non-empty references.
 */
final class RougeL {

  /** The toolkit's beta: recall weighted 1.2 times precision. */
  static final double BETA = 1.2;

  private RougeL() {}

  /** ROUGE-L of one candidate against its references, token ids as {@link #ids} builds them. */
  static double score(int[] candidate, int[][] references, int[] scratch) {
    double precMax = 0;
    double recMax = 0;
    for (int[] reference : references) {
      int lcs = lcs(reference, candidate, scratch);
      precMax = Math.max(precMax, lcs / (double) candidate.length);
      recMax = Math.max(recMax, lcs / (double) reference.length);
    }
    if (precMax != 0 && recMax != 0) {
      return (1 + BETA * BETA) * precMax * recMax / (recMax + BETA * BETA * precMax);
    }
    return 0.0;
  }

  /** Token ids of one caption as {@code split(" ")} sees it: empty becomes one empty token. */
  static int[] ids(List<String> tokens, java.util.Map<String, Integer> vocabulary) {
    if (tokens.isEmpty()) {
      return new int[] {vocabulary.computeIfAbsent("", w -> vocabulary.size())};
    }
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocabulary.computeIfAbsent(tokens.get(i), w -> vocabulary.size());
    }
    return ids;
  }

  /** Length of the longest common subsequence; {@code scratch} holds at least b.length + 1. */
  static int lcs(int[] a, int[] b, int[] scratch) {
    int[] row = scratch;
    java.util.Arrays.fill(row, 0, b.length + 1, 0);
    for (int i = 0; i < a.length; i++) {
      int diagonal = 0;
      int ai = a[i];
      for (int j = 1; j <= b.length; j++) {
        int up = row[j];
        row[j] = ai == b[j - 1] ? diagonal + 1 : Math.max(up, row[j - 1]);
        diagonal = up;
      }
    }
    return row[b.length];
  }
}

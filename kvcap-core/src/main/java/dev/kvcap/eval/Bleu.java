package dev.kvcap.eval;

/**
 * BLEU-1..4 as the toolkit's {@code bleu_scorer.py} computes it with {@code option='closest'}:
 * clipped n-gram counts summed over the corpus, the reference length closest to the candidate's
 * (ties to the shorter), the brevity penalty, and its smoothing constants ({@code tiny = 1e-15}
 * added to matches, {@code small = 1e-9} to guesses). Per-image scores are its {@code
 * score_list}.
 */
final class Bleu {

  private static final double TINY = 1e-15;
  private static final double SMALL = 1e-9;

  /**
   * BLEU scores.
   *
   * @param corpus Bleu_1..Bleu_4 for the corpus
   * @param perImage {@code perImage[img][k]}: Bleu_(k+1) of one image
   * @param stats the corpus counters
   */
  record Result(double[] corpus, double[][] perImage, BleuStats stats) {}

  private Bleu() {}

  static Result score(NgramCounts[] hyps, NgramCounts[][] refs, int[] hypLengths,
      int[][] refLengths, NgramCounts.Index index) {
    int n = NgramCounts.MAX_N;
    int[][] maxCount = new int[n][];
    for (int k = 0; k < n; k++) {
      maxCount[k] = new int[index.size(k)];
    }
    long[] guess = new long[n];
    long[] correct = new long[n];
    long testTotal = 0;
    long refTotal = 0;
    double[][] perImage = new double[hyps.length][n];
    for (int img = 0; img < hyps.length; img++) {
      for (NgramCounts ref : refs[img]) {
        for (int k = 0; k < n; k++) {
          int[] ids = ref.ids[k];
          int[] counts = ref.counts[k];
          for (int j = 0; j < ids.length; j++) {
            if (counts[j] > maxCount[k][ids[j]]) {
              maxCount[k][ids[j]] = counts[j];
            }
          }
        }
      }
      int testlen = hypLengths[img];
      int reflen = closest(refLengths[img], testlen);
      long[] imgGuess = new long[n];
      long[] imgCorrect = new long[n];
      NgramCounts hyp = hyps[img];
      for (int k = 0; k < n; k++) {
        imgGuess[k] = Math.max(0, testlen - k);
        int[] ids = hyp.ids[k];
        int[] counts = hyp.counts[k];
        for (int j = 0; j < ids.length; j++) {
          imgCorrect[k] += Math.min(counts[j], maxCount[k][ids[j]]);
        }
        guess[k] += imgGuess[k];
        correct[k] += imgCorrect[k];
      }
      perImage[img] = bleus(imgCorrect, imgGuess, testlen, reflen);
      testTotal += testlen;
      refTotal += reflen;
      for (NgramCounts ref : refs[img]) {
        for (int k = 0; k < n; k++) {
          for (int id : ref.ids[k]) {
            maxCount[k][id] = 0;
          }
        }
      }
    }
    double[] corpus = bleus(correct, guess, testTotal, refTotal);
    return new Result(corpus, perImage, new BleuStats(testTotal, refTotal, guess, correct));
  }

  /** The reference length closest to {@code testlen}, the shorter on a tie. */
  static int closest(int[] refLengths, int testlen) {
    int best = refLengths[0];
    for (int len : refLengths) {
      int d = Math.abs(len - testlen);
      int bd = Math.abs(best - testlen);
      if (d < bd || d == bd && len < best) {
        best = len;
      }
    }
    return best;
  }

  private static double[] bleus(long[] correct, long[] guess, long testlen, long reflen) {
    double[] out = new double[correct.length];
    double bleu = 1.0;
    for (int k = 0; k < correct.length; k++) {
      bleu *= (correct[k] + TINY) / (guess[k] + SMALL);
      out[k] = Math.pow(bleu, 1.0 / (k + 1));
    }
    double ratio = (testlen + TINY) / (reflen + SMALL);
    if (ratio < 1) {
      double penalty = Math.exp(1 - 1 / ratio);
      for (int k = 0; k < out.length; k++) {
        out[k] *= penalty;
      }
    }
    return out;
  }
}

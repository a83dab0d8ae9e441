package dev.kvcap.eval;

/**
 * CIDEr-D as the toolkit's {@code cider_scorer.py} computes it: TF-IDF vectors of 1..4-grams
 * with document frequencies from the references of the images being scored, {@code log(max(1,
 * df))}, {@code ref_len = log(number of images)}, the clipped numerator {@code min(hyp, ref) *
 * ref}, the Gaussian length penalty with sigma = 6, the mean over n and references, times 10.
 *
 * <p>Mirrors one quirk exactly: the "length" in the penalty is the number of bigrams (the
 * toolkit adds term frequencies when its 0-based order index is 1).
 */
final class CiderD {

  /** Width of the length penalty {@code exp(-delta^2 / (2 sigma^2))}. */
  static final double SIGMA = 6.0;

  private CiderD() {}

  /** Per-image CIDEr-D; the corpus score is their mean. */
  static double[] score(NgramCounts[] hyps, NgramCounts[][] refs, NgramCounts.Index index) {
    double[][] logDf = logDocumentFrequencies(refs, index);
    double refLen = Math.log(refs.length);
    double[] scores = new double[hyps.length];
    for (int img = 0; img < hyps.length; img++) {
      scores[img] = score(hyps[img], refs[img], (k, id) -> logDf[k][id], refLen);
    }
    return scores;
  }

  /**
   * {@code log(max(1, df))} per order and n-gram id, where df counts the documents (images) whose
   * references hold the n-gram.
   */
  static double[][] logDocumentFrequencies(NgramCounts[][] refs, NgramCounts.Index index) {
    int n = NgramCounts.MAX_N;
    int[][] df = new int[n][];
    int[][] seen = new int[n][];
    for (int k = 0; k < n; k++) {
      df[k] = new int[index.size(k)];
      seen[k] = new int[index.size(k)];
    }
    for (int img = 0; img < refs.length; img++) {
      for (NgramCounts ref : refs[img]) {
        for (int k = 0; k < n; k++) {
          for (int id : ref.ids[k]) {
            if (seen[k][id] != img + 1) {
              seen[k][id] = img + 1;
              df[k][id]++;
            }
          }
        }
      }
    }
    double[][] logDf = new double[n][];
    for (int k = 0; k < n; k++) {
      logDf[k] = new double[df[k].length];
      for (int id = 0; id < df[k].length; id++) {
        logDf[k][id] = Math.log(Math.max(1.0, df[k][id]));
      }
    }
    return logDf;
  }

  /** Document frequencies as {@code log(max(1, df))}, by order k (0-based) and n-gram id. */
  interface LogDf {
    double of(int k, int id);
  }

  /**
   * CIDEr-D of one candidate against its references, with document frequencies {@code logDf}
   * and {@code refLen = log(number of documents)}.
   */
  static double score(NgramCounts candidate, NgramCounts[] refs, LogDf logDf, double refLen) {
    int n = NgramCounts.MAX_N;
    Vec hyp = new Vec(candidate, logDf, refLen);
    double[] total = new double[n];
    for (NgramCounts refCounts : refs) {
      Vec ref = new Vec(refCounts, logDf, refLen);
      double delta = hyp.length - ref.length;
      double penalty = Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
      for (int k = 0; k < n; k++) {
        double val = clippedDot(candidate.ids[k], hyp.values[k], refCounts.ids[k], ref.values[k]);
        if (hyp.norms[k] != 0 && ref.norms[k] != 0) {
          val /= hyp.norms[k] * ref.norms[k];
        }
        total[k] += val * penalty;
      }
    }
    double mean = 0;
    for (int k = 0; k < n; k++) {
      mean += total[k];
    }
    mean /= n;
    return mean / refs.length * 10.0;
  }

  /**
   * CIDEr-D of each caption against each of the first {@code references} as its only reference
   * ({@code [i][j]}, j &lt; {@code references}): what {@link #score} gives for each pair, with each
   * caption's TF-IDF vector made once instead of once per pair.
   */
  static double[][] pairwise(NgramCounts[] captions, int references, LogDf logDf, double refLen) {
    int n = NgramCounts.MAX_N;
    Vec[] vecs = new Vec[captions.length];
    for (int i = 0; i < captions.length; i++) {
      vecs[i] = new Vec(captions[i], logDf, refLen);
    }
    double[][] out = new double[captions.length][references];
    for (int i = 0; i < captions.length; i++) {
      Vec hyp = vecs[i];
      for (int j = 0; j < references; j++) {
        Vec ref = vecs[j];
        double delta = hyp.length - ref.length;
        double penalty = Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
        double mean = 0;
        for (int k = 0; k < n; k++) { // in score's order of operations, so the values are equal
          double val = clippedDot(captions[i].ids[k], hyp.values[k], captions[j].ids[k], ref.values[k]);
          if (hyp.norms[k] != 0 && ref.norms[k] != 0) {
            val /= hyp.norms[k] * ref.norms[k];
          }
          mean += val * penalty;
        }
        out[i][j] = mean / n * 10.0;
      }
    }
    return out;
  }

  /** Sum over the candidate's n-grams of {@code min(h, r) * r}; both id arrays sorted. */
  private static double clippedDot(int[] hIds, double[] h, int[] rIds, double[] r) {
    double sum = 0;
    int j = 0;
    for (int i = 0; i < hIds.length; i++) {
      while (j < rIds.length && rIds[j] < hIds[i]) {
        j++;
      }
      if (j < rIds.length && rIds[j] == hIds[i]) {
        sum += Math.min(h[i], r[j]) * r[j];
      }
    }
    return sum;
  }

  /** The toolkit's {@code counts2vec}: TF-IDF values per order, their norms, and "length". */
  private static final class Vec {
    final double[][] values = new double[NgramCounts.MAX_N][];
    final double[] norms = new double[NgramCounts.MAX_N];
    final int length;

    Vec(NgramCounts counts, LogDf logDf, double refLen) {
      int len = 0;
      for (int k = 0; k < NgramCounts.MAX_N; k++) {
        int[] ids = counts.ids[k];
        double[] v = new double[ids.length];
        double sq = 0;
        for (int j = 0; j < ids.length; j++) {
          int tf = counts.counts[k][j];
          v[j] = tf * (refLen - logDf.of(k, ids[j]));
          sq += v[j] * v[j];
          if (k == 1) {
            len += tf;
          }
        }
        values[k] = v;
        norms[k] = Math.sqrt(sq);
      }
      length = len;
    }
  }
}

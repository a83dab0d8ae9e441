package dev.kvcap.eval;

import java.util.Arrays;
import java.util.HashMap;

/**
 * The n-gram counts of one caption for n = 1..4 (the toolkit's {@code precook}), as sorted
 * arrays of dense n-gram ids with their counts.
 */
final class NgramCounts {

  /** Highest n-gram order BLEU and CIDEr-D use. */
  static final int MAX_N = 4;

  /** {@code ids[k]}: sorted distinct ids of the (k+1)-grams. */
  final int[][] ids;
  /** {@code counts[k][j]}: how often {@code ids[k][j]} occurs. */
  final int[][] counts;

  private NgramCounts(int[][] ids, int[][] counts) {
    this.ids = ids;
    this.counts = counts;
  }

  /**
   * Interns n-grams as dense ids per order: a (k+1)-gram's id is looked up from its k-gram
   * prefix id and its last word id, so no n-gram is ever built as a string.
   */
  static final class Index {
    @SuppressWarnings("unchecked")
    private final HashMap<Long, Integer>[] maps = new HashMap[MAX_N];
    private final int[] sizes = new int[MAX_N];

    Index(int vocabularySize) {
      sizes[0] = vocabularySize;
      for (int k = 1; k < MAX_N; k++) {
        maps[k] = new HashMap<>();
      }
    }

    /** Number of distinct ids of order k+1 seen so far (unigrams: the vocabulary size). */
    int size(int k) {
      return sizes[k];
    }

    NgramCounts count(int[] words) {
      return count(words, true);
    }

    /**
     * The counts of {@code words} without adding their new n-grams to the index: those get ids
     * from {@link #size} up, meaningful within this call only (they match nothing interned). For
     * scoring a stream of candidates, e.g. sampled captions, against fixed references, where
     * interning would grow the index without bound.
     */
    @SuppressWarnings("unchecked")
    NgramCounts countWithoutInterning(int[] words) {
      return count(words, false, new HashMap[MAX_N]);
    }

    /**
     * The counts of several captions without adding their new n-grams to the index, as {@link
     * #countWithoutInterning} does, but with those new n-grams numbered once for all of them, so
     * the captions' unseen n-grams match one another.
     */
    @SuppressWarnings("unchecked")
    NgramCounts[] countTogether(java.util.List<int[]> captions) {
      HashMap<Long, Integer>[] local = new HashMap[MAX_N];
      NgramCounts[] out = new NgramCounts[captions.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = count(captions.get(i), false, local);
      }
      return out;
    }

    private NgramCounts count(int[] words, boolean intern) {
      return count(words, intern, null);
    }

    /** @param local when not interning, the numbering of n-grams the index lacks */
    private NgramCounts count(int[] words, boolean intern, HashMap<Long, Integer>[] local) {
      int[][] ids = new int[MAX_N][];
      int[][] counts = new int[MAX_N][];
      int[] previous = words;
      for (int k = 0; k < MAX_N; k++) {
        int len = Math.max(0, words.length - k);
        int[] grams = new int[len];
        if (k == 0) {
          System.arraycopy(words, 0, grams, 0, len);
        } else {
          HashMap<Long, Integer> map = maps[k];
          final int kk = k;
          for (int i = 0; i < len; i++) {
            long key = ((long) previous[i] << 32) | (words[i + k] & 0xffffffffL);
            Integer id = map.get(key);
            if (id == null && intern) {
              id = sizes[k]++;
              map.put(key, id);
            } else if (id == null) {
              HashMap<Long, Integer> mine = local[k] == null ? (local[k] = new HashMap<>()) : local[k];
              id = mine.computeIfAbsent(key, x -> sizes[kk] + mine.size());
            }
            grams[i] = id;
          }
        }
        previous = grams;
        int[] sorted = grams.clone();
        Arrays.sort(sorted);
        int distinct = 0;
        int[] c = new int[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
          if (distinct > 0 && sorted[distinct - 1] == sorted[i]) {
            c[distinct - 1]++;
          } else {
            sorted[distinct] = sorted[i];
            c[distinct++] = 1;
          }
        }
        ids[k] = Arrays.copyOf(sorted, distinct);
        counts[k] = Arrays.copyOf(c, distinct);
      }
      return new NgramCounts(ids, counts);
    }
  }
}

package dev.kvcap.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CIDEr-D as a reward: document frequencies fixed once from a corpus of references (the training
 * captions), then any candidate scored against any references, fast. What self-critical sequence
 * training optimises (Rennie et al. 2017, with the training set's frequencies, as their code does)
 * and what the nearest-neighbour baseline's consensus uses.
 *
 * <p>Captions are word ids in any id space the caller chooses (the model's vocabulary, say); the
 * toolkit's tokenisation is the caller's business. N-grams the corpus never saw count as document
 * frequency 0, as in the toolkit. Scoring leaves the n-gram index as construction made it, so a
 * long run of sampled candidates does not grow it.
 */
public final class CiderReward {

  private final NgramCounts.Index index;
  private final NgramCounts[][] corpus;
  private final double[][] logDf;
  private final double refLen;

  /**
   * @param references per document (image), its reference captions as word ids, each id in {@code
   *     [0, vocabularySize)}
   */
  public CiderReward(List<int[][]> references, int vocabularySize) {
    if (references.isEmpty()) {
      throw new IllegalArgumentException("CIDEr-D needs at least one document of references");
    }
    index = new NgramCounts.Index(vocabularySize);
    corpus = new NgramCounts[references.size()][];
    for (int d = 0; d < corpus.length; d++) {
      int[][] refs = references.get(d);
      corpus[d] = new NgramCounts[refs.length];
      for (int r = 0; r < refs.length; r++) {
        corpus[d][r] = index.count(refs[r]);
      }
    }
    logDf = CiderD.logDocumentFrequencies(corpus, index);
    refLen = Math.log(corpus.length);
  }

  /** CIDEr-D of {@code candidate} against the references of document {@code doc}. */
  public double score(int doc, int[] candidate) {
    return CiderD.score(index.countWithoutInterning(candidate), corpus[doc], this::logDf, refLen);
  }

  /**
   * CIDEr-D of each of {@code captions} against each other one as its only reference, with the
   * corpus's document frequencies: {@code [i][j]} scores caption i against caption j (the diagonal
   * too). N-grams the corpus never saw match across these captions and are not added to it.
   */
  public double[][] pairwise(List<int[]> captions) {
    return pairwise(captions, captions.size());
  }

  /**
   * {@link #pairwise(List)} against the first {@code references} captions only: {@code [i][j]}
   * scores caption i against caption j, for every i and j &lt; {@code references}.
   */
  public double[][] pairwise(List<int[]> captions, int references) {
    if (references < 0 || references > captions.size()) {
      throw new IllegalArgumentException("references must be between 0 and " + captions.size() + ", got " + references);
    }
    return CiderD.pairwise(index.countTogether(captions), references, this::logDf, refLen);
  }

  /**
   * The consensus of the references of documents {@code docs}: the position, in their order (each
   * document's references in turn), of the reference with the highest CIDEr-D against all the
   * others; the first on ties. Uses the counts made once at construction.
   */
  public int consensus(int[] docs) {
    List<NgramCounts> all = new ArrayList<>();
    for (int d : docs) {
      all.addAll(Arrays.asList(corpus[d]));
    }
    if (all.size() == 1) {
      return 0;
    }
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < all.size(); c++) {
      List<NgramCounts> others = new ArrayList<>(all);
      others.remove(c);
      double s = CiderD.score(all.get(c), others.toArray(new NgramCounts[0]), this::logDf, refLen);
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    return best;
  }

  /**
   * How rare word {@code id} is in the corpus: log(documents) − log(max(1, documents holding it)),
   * CIDEr-D's own weight for it (a word the corpus never saw: log(documents)).
   */
  public double idf(int id) {
    return refLen - logDf(0, id);
  }

  private double logDf(int k, int id) {
    return id < logDf[k].length ? logDf[k][id] : 0.0;
  }
}

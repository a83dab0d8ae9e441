package dev.kvcap.eval;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Scores raw captions exactly as the official MSCOCO caption evaluation toolkit does: PTB
 * tokenisation, then BLEU-1..4, METEOR, ROUGE-L and CIDEr-D. SPICE is not implemented and is
 * never reported.
 *
 * <p>Contract (the toolkit's {@code COCOEvalCap.evaluate}): only the images that have a result are
 * scored; every result image must have at least one reference. Images are scored in the
 * iteration order of {@code refs}, which matters only for the tokeniser's look-ahead across
 * caption boundaries (pass a {@link LinkedHashMap} in the annotation file's image order, as
 * {@link CocoFiles#readReferences} returns, to match the toolkit byte for byte).
 */
public final class CaptionMetrics {

  /** The toolkit's tokenisation; tests replace it to inject a failure. */
  static Function<List<String>, List<List<String>>> tokenizer = PtbTokenizer::tokenizeAll;

  private CaptionMetrics() {}

  /** All implemented metrics: BLEU, METEOR, ROUGE-L and CIDEr-D. */
  public static Scores score(Map<Long, List<String>> refs, Map<Long, String> results) {
    return score(refs, results, EnumSet.allOf(Metric.class));
  }

  /**
   * The selected metrics.
   *
   * @param refs raw reference captions by image id
   * @param results one raw candidate caption per image id; every id must be in {@code refs}
   * @param metrics which metrics to compute
   * @throws MetricsInputException if a result has no references or nothing is to be scored
   * @throws ScoringException if the metrics themselves fail (a bug), naming the image and caption
   */
  public static Scores score(
      Map<Long, List<String>> refs, Map<Long, String> results, Set<Metric> metrics) {
    if (results.isEmpty()) {
      throw new MetricsInputException("no results to score");
    }
    for (Long id : results.keySet()) {
      List<String> r = refs.get(id);
      if (r == null || r.isEmpty()) {
        throw new MetricsInputException("result for image " + id + " has no reference captions");
      }
      if (results.get(id) == null) {
        throw new MetricsInputException("result for image " + id + " has no caption");
      }
    }
    List<Long> ids = new ArrayList<>(results.size());
    for (Long id : refs.keySet()) {
      if (results.containsKey(id)) {
        ids.add(id);
      }
    }
    Corpus corpus = tokenize(ids, refs, results);
    try {
      return compute(corpus, metrics);
    } catch (RuntimeException e) {
      throw new ScoringException("computing " + metrics + " over " + ids.size() + " images", e);
    }
  }

  /** Tokenises the scored images' references and candidates as the toolkit's two PTB runs do. */
  private static Corpus tokenize(
      List<Long> ids, Map<Long, List<String>> refs, Map<Long, String> results) {
    List<String> refLines = new ArrayList<>();
    List<String> hypLines = new ArrayList<>(ids.size());
    for (Long id : ids) {
      refLines.addAll(refs.get(id));
      hypLines.add(results.get(id));
    }
    List<List<String>> refTok = tokenizeOrLocate(refLines, ids, refs, null);
    List<List<String>> hypTok = tokenizeOrLocate(hypLines, ids, refs, results);
    long[] imageIds = new long[ids.size()];
    List<List<List<String>>> refsPerImage = new ArrayList<>(ids.size());
    int line = 0;
    for (int img = 0; img < ids.size(); img++) {
      imageIds[img] = ids.get(img);
      int count = refs.get(ids.get(img)).size();
      refsPerImage.add(refTok.subList(line, line + count));
      line += count;
    }
    return new Corpus(imageIds, hypTok, refsPerImage);
  }

  /**
   * All {@code lines} tokenised in one pass, as the toolkit does. If the tokeniser fails, the
   * image and caption it fails on are found by tokenising them one at a time, for the message.
   *
   * @param results null when {@code lines} are the references, else the candidates
   */
  private static List<List<String>> tokenizeOrLocate(List<String> lines, List<Long> ids,
      Map<Long, List<String>> refs, Map<Long, String> results) {
    try {
      return tokenizer.apply(lines);
    } catch (RuntimeException e) {
      for (Long id : ids) {
        for (String caption : results == null ? refs.get(id) : List.of(results.get(id))) {
          try {
            tokenizer.apply(List.of(caption));
          } catch (RuntimeException alone) {
            throw new ScoringException("image " + id + ": tokenizer failed on "
                + ScoringException.quoted(caption), alone);
          }
        }
      }
      throw new ScoringException("tokenizer failed on the "
          + (results == null ? "references" : "candidates") + " taken together", e);
    }
  }

  static Scores compute(Corpus corpus, Set<Metric> metrics) {
    int n = corpus.size();
    Map<String, Double> total = new LinkedHashMap<>();
    double[][] columns = new double[7][];
    String[] keys = {"Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "METEOR", "ROUGE_L", "CIDEr"};
    BleuStats stats = null;

    NgramCounts[] hypCounts = null;
    NgramCounts[][] refCounts = null;
    NgramCounts.Index index = null;
    if (metrics.contains(Metric.BLEU) || metrics.contains(Metric.CIDER)) {
      index = new NgramCounts.Index(corpus.vocabulary.size());
      hypCounts = new NgramCounts[n];
      refCounts = new NgramCounts[n][];
      for (int img = 0; img < n; img++) {
        hypCounts[img] = index.count(corpus.hypWords[img]);
        refCounts[img] = new NgramCounts[corpus.refWords[img].length];
        for (int r = 0; r < refCounts[img].length; r++) {
          refCounts[img][r] = index.count(corpus.refWords[img][r]);
        }
      }
    }
    if (metrics.contains(Metric.BLEU)) {
      int[] hypLen = new int[n];
      int[][] refLen = new int[n][];
      for (int img = 0; img < n; img++) {
        hypLen[img] = corpus.hypWords[img].length;
        refLen[img] = new int[corpus.refWords[img].length];
        for (int r = 0; r < refLen[img].length; r++) {
          refLen[img][r] = corpus.refWords[img][r].length;
        }
      }
      Bleu.Result bleu = Bleu.score(hypCounts, refCounts, hypLen, refLen, index);
      for (int k = 0; k < 4; k++) {
        columns[k] = new double[n];
        for (int img = 0; img < n; img++) {
          columns[k][img] = bleu.perImage()[img][k];
        }
        total.put(keys[k], bleu.corpus()[k]);
      }
      stats = bleu.stats();
    }
    if (metrics.contains(Metric.METEOR)) {
      Meteor.Result meteor = Meteor.score(corpus.hypTokens, corpus.refTokens);
      columns[4] = meteor.perImage();
      total.put(keys[4], meteor.corpus());
    }
    if (metrics.contains(Metric.ROUGE_L)) {
      columns[5] = rouge(corpus);
      total.put(keys[5], mean(columns[5]));
    }
    if (metrics.contains(Metric.CIDER)) {
      columns[6] = CiderD.score(hypCounts, refCounts, index);
      total.put(keys[6], mean(columns[6]));
    }
    Map<Long, Map<String, Double>> perImage = new LinkedHashMap<>();
    for (int img = 0; img < n; img++) {
      Map<String, Double> row = new LinkedHashMap<>();
      for (int c = 0; c < keys.length; c++) {
        if (columns[c] != null) {
          row.put(keys[c], columns[c][img]);
        }
      }
      perImage.put(corpus.imageIds[img], row);
    }
    return new Scores(total, perImage, stats);
  }

  private static double[] rouge(Corpus corpus) {
    Map<String, Integer> vocabulary = new HashMap<>();
    double[] scores = new double[corpus.size()];
    int[] scratch = new int[16];
    for (int img = 0; img < scores.length; img++) {
      int[] hyp = RougeL.ids(corpus.hypTokens.get(img), vocabulary);
      List<List<String>> refs = corpus.refTokens.get(img);
      int[][] refIds = new int[refs.size()][];
      for (int r = 0; r < refIds.length; r++) {
        refIds[r] = RougeL.ids(refs.get(r), vocabulary);
      }
      if (scratch.length < hyp.length + 1) {
        scratch = new int[hyp.length + 1];
      }
      scores[img] = RougeL.score(hyp, refIds, scratch);
    }
    return scores;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}

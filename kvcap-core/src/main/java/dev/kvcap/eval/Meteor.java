package dev.kvcap.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * METEOR 1.5 as the toolkit runs it ({@code meteor-1.5.jar - - -stdio -l en -norm}), without
 * the paraphrase stage (its table is not available; see docs/METRICS.md).
 *
 * <p>Per caption and reference: words are matched in stages (exact, Snowball stem, WordNet
 * synonym); a beam search (width 40) picks the alignment with the most exact-weighted matches,
 * then the fewest chunks, then the least distance. Precision and recall weigh content words by
 * delta = 0.75 and function words by 1 - delta, and each stage by its weight (1.0, 0.6, 0.8);
 * {@code Fmean = PR / (alpha P + (1 - alpha) R)} with alpha = 0.85, the fragmentation penalty is
 * {@code gamma (chunks / matches)^beta} with gamma = 0.6, beta = 0.2 (zero for a perfect match),
 * and the score {@code Fmean (1 - penalty)}. Each caption keeps its best-scoring reference; the
 * corpus score is computed from the summed statistics of all captions, as the jar's EVAL does.
 */
final class Meteor {

  /** The toolkit's English parameters (task "rank" for {@code -l en}). */
  static final double ALPHA = 0.85;
  static final double BETA = 0.2;
  static final double GAMMA = 0.6;
  static final double DELTA = 0.75;
  /** Stage weights: exact, stem, synonym, paraphrase (the last stage never matches here). */
  static final double[] WEIGHTS = {1.0, 0.6, 0.8, 0.6};
  static final int BEAM = 40;

  private static final int EXACT = 0;
  private static final int STEM = 1;
  private static final int SYNONYM = 2;
  private static final int MODULES = 4;

  /**
   * METEOR scores.
   *
   * @param corpus the aggregate over all captions
   * @param perImage each caption's score against its best reference
   */
  record Result(double corpus, double[] perImage) {}

  private Meteor() {}

  static Result score(List<List<String>> hyps, List<List<List<String>>> refs) {
    Stats total = new Stats();
    double[] perImage = new double[hyps.size()];
    for (int img = 0; img < hyps.size(); img++) {
      String[] test = normalize(hyps.get(img));
      Stats best = null;
      for (List<String> ref : refs.get(img)) {
        Stats s = align(test, normalize(ref));
        s.computeScore();
        if (best == null || s.score > best.score) {
          best = s;
        }
      }
      perImage[img] = best.score;
      total.add(best);
    }
    total.computeScore();
    return new Result(total.score, perImage);
  }

  /** Score of one candidate against one reference, both already tokenised. */
  static double segment(List<String> test, List<String> reference) {
    Stats s = align(normalize(test), normalize(reference));
    s.computeScore();
    return s.score;
  }

  /**
   * METEOR's {@code -norm} on text that is already PTB-tokenised and lower-cased: symbols stay
   * separate tokens ({@code beige/white} becomes {@code beige / white}).
   */
  static String[] normalize(List<String> tokens) {
    List<String> out = new ArrayList<>(tokens.size() + 4);
    for (String token : tokens) {
      int start = 0;
      for (int k = 0; k < token.length(); k++) {
        char c = token.charAt(k);
        if (isSeparatedSymbol(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
          if (k > start) {
            out.add(token.substring(start, k));
          }
          if (isSeparatedSymbol(c)) {
            out.add(String.valueOf(c));
          }
          start = k + 1;
        }
      }
      if (start < token.length()) {
        out.add(token.substring(start));
      }
    }
    return out.toArray(new String[0]);
  }

  private static boolean isSeparatedSymbol(char c) {
    return "{|}~[\\]^_!\"#$%&()*+:;<=>?@/".indexOf(c) >= 0;
  }

  /** One single-word match: test word {@code testIndex} with reference word {@code refIndex}. */
  private record Match(int module, int refIndex, int testIndex) {}

  static Stats align(String[] test, String[] ref) {
    int m = test.length;
    int n = ref.length;
    List<List<Match>> matches = new ArrayList<>(n);
    for (int j = 0; j < n; j++) {
      matches.add(new ArrayList<>(2));
    }
    int[] testCoverage = new int[m];
    int[] refCoverage = new int[n];
    boolean identical = java.util.Arrays.equals(test, ref);
    String[] testStems = identical ? null : stems(test);
    String[] refStems = identical ? null : stems(ref);
    long[][] testSyn = new long[m][];
    long[][] refSyn = new long[n][];
    for (int module = EXACT; module <= (identical ? EXACT : SYNONYM); module++) {
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
          boolean match;
          if (module == EXACT) {
            match = test[i].equals(ref[j]);
          } else if (module == STEM) {
            match = !test[i].equals(ref[j]) && testStems[i].equals(refStems[j]);
          } else if (test[i].equals(ref[j]) || testStems[i].equals(refStems[j])) {
            match = false;
          } else {
            if (testSyn[i] == null) {
              testSyn[i] = MeteorLexicon.synsets(test[i]);
            }
            if (refSyn[j] == null) {
              refSyn[j] = MeteorLexicon.synsets(ref[j]);
            }
            match = MeteorLexicon.intersect(testSyn[i], refSyn[j]);
          }
          if (match) {
            matches.get(j).add(new Match(module, j, i));
            testCoverage[i]++;
            refCoverage[j]++;
          }
        }
      }
    }
    Path start = new Path(m, n);
    for (int j = 0; j < n; j++) {
      if (matches.get(j).size() == 1) {
        Match mt = matches.get(j).get(0);
        if (refCoverage[j] == 1 && testCoverage[mt.testIndex] == 1) {
          start.matches[j] = mt;
          start.refUsed[j] = true;
          start.testUsed[mt.testIndex] = true;
        }
      }
    }
    Path best = resolve(matches, start, n);

    Stats s = new Stats();
    s.testLength = m;
    s.refLength = n;
    boolean[] testFunction = new boolean[m];
    boolean[] refFunction = new boolean[n];
    for (int i = 0; i < m; i++) {
      testFunction[i] = MeteorLexicon.FUNCTION_WORDS.contains(test[i]);
      s.testFunctionWords += testFunction[i] ? 1 : 0;
    }
    for (int j = 0; j < n; j++) {
      refFunction[j] = MeteorLexicon.FUNCTION_WORDS.contains(ref[j]);
      s.refFunctionWords += refFunction[j] ? 1 : 0;
    }
    int lastMatchEnd = -1;
    for (int j = 0; j < n; j++) {
      Match mt = best.matches[j];
      if (mt == null) {
        if (lastMatchEnd != -1) {
          s.chunks++;
          lastMatchEnd = -1;
        }
        continue;
      }
      if (testFunction[mt.testIndex]) {
        s.testFunctionMatches[mt.module]++;
      } else {
        s.testContentMatches[mt.module]++;
      }
      if (refFunction[j]) {
        s.refFunctionMatches[mt.module]++;
      } else {
        s.refContentMatches[mt.module]++;
      }
      s.testWordMatches++;
      s.refWordMatches++;
      if (lastMatchEnd != -1 && mt.testIndex != lastMatchEnd) {
        s.chunks++;
      }
      lastMatchEnd = mt.testIndex + 1;
    }
    if (lastMatchEnd != -1) {
      s.chunks++;
    }
    return s;
  }

  private static String[] stems(String[] words) {
    String[] out = new String[words.length];
    for (int i = 0; i < words.length; i++) {
      out[i] = MeteorLexicon.stem(words[i]);
    }
    return out;
  }

  /** METEOR's left-to-right beam search over the reference positions. */
  private static Path resolve(List<List<Match>> matches, Path start, int n) {
    List<Path> next = new ArrayList<>();
    next.add(start);
    for (int current = 0; current <= n; current++) {
      List<Path> paths = next;
      next = new ArrayList<>();
      paths.sort(Path::compareTo);
      for (int rank = 0; rank < BEAM && rank < paths.size(); rank++) {
        Path path = paths.get(rank);
        if (current == n) {
          if (path.lastMatchEnd != -1) {
            path.chunks++;
          }
          next.add(path);
          continue;
        }
        if (path.refUsed[current]) {
          if (current < path.idx) {
            next.add(path);
          } else if (path.matches[path.idx] != null) {
            Match mt = path.matches[path.idx];
            path.take(mt);
            path.distance += Math.abs(mt.refIndex - mt.testIndex);
            next.add(path);
          }
          continue;
        }
        for (Match mt : matches.get(current)) {
          if (path.testUsed[mt.testIndex] || path.refUsed[mt.refIndex]) {
            continue;
          }
          Path branch = new Path(path);
          branch.testUsed[mt.testIndex] = true;
          branch.refUsed[mt.refIndex] = true;
          branch.matches[current] = mt;
          branch.take(mt);
          // METEOR 1.5 adds this distance to the path it branched from, not to the branch
          path.distance += Math.abs(mt.refIndex - mt.testIndex);
          next.add(branch);
        }
        if (path.lastMatchEnd != -1) {
          path.chunks++;
          path.lastMatchEnd = -1;
        }
        path.idx++;
        next.add(path);
      }
      if (next.isEmpty()) {
        next.add(paths.get(0));
      }
    }
    next.sort(Path::compareTo);
    return next.get(0);
  }

  /** A partial alignment in the beam. */
  private static final class Path implements Comparable<Path> {
    final Match[] matches;
    final boolean[] testUsed;
    final boolean[] refUsed;
    int idx;
    int lastMatchEnd = -1;
    /** Weighted match counts, truncated to int after each addition as METEOR's are. */
    int weighted1;
    int weighted2;
    int chunks;
    int distance;

    Path(int m, int n) {
      matches = new Match[n];
      testUsed = new boolean[m];
      refUsed = new boolean[n];
    }

    Path(Path p) {
      matches = p.matches.clone();
      testUsed = p.testUsed.clone();
      refUsed = p.refUsed.clone();
      idx = p.idx;
      lastMatchEnd = p.lastMatchEnd;
      weighted1 = p.weighted1;
      weighted2 = p.weighted2;
      chunks = p.chunks;
      distance = p.distance;
    }

    void take(Match mt) {
      weighted1 = (int) (weighted1 + WEIGHTS[mt.module]);
      weighted2 = (int) (weighted2 + WEIGHTS[mt.module]);
      if (lastMatchEnd != -1 && mt.testIndex != lastMatchEnd) {
        chunks++;
      }
      idx = mt.refIndex + 1;
      lastMatchEnd = mt.testIndex + 1;
    }

    /** More weighted matches first, then fewer chunks, then less distance. */
    @Override
    public int compareTo(Path o) {
      int matchDiff = (o.weighted1 + o.weighted2) - (weighted1 + weighted2);
      if (matchDiff != 0) {
        return matchDiff > 0 ? 1 : -1;
      }
      if (chunks != o.chunks) {
        return chunks - o.chunks;
      }
      return distance - o.distance;
    }
  }

  /** METEOR's sufficient statistics; summed over captions for the corpus score. */
  static final class Stats {
    int testLength;
    int refLength;
    int testFunctionWords;
    int refFunctionWords;
    final int[] testContentMatches = new int[MODULES];
    final int[] refContentMatches = new int[MODULES];
    final int[] testFunctionMatches = new int[MODULES];
    final int[] refFunctionMatches = new int[MODULES];
    int chunks;
    int testWordMatches;
    int refWordMatches;
    double score;

    void add(Stats o) {
      testLength += o.testLength;
      refLength += o.refLength;
      testFunctionWords += o.testFunctionWords;
      refFunctionWords += o.refFunctionWords;
      for (int k = 0; k < MODULES; k++) {
        testContentMatches[k] += o.testContentMatches[k];
        refContentMatches[k] += o.refContentMatches[k];
        testFunctionMatches[k] += o.testFunctionMatches[k];
        refFunctionMatches[k] += o.refFunctionMatches[k];
      }
      chunks += o.chunks;
      testWordMatches += o.testWordMatches;
      refWordMatches += o.refWordMatches;
    }

    void computeScore() {
      double testWeightedLength =
          DELTA * (testLength - testFunctionWords) + (1 - DELTA) * testFunctionWords;
      double refWeightedLength =
          DELTA * (refLength - refFunctionWords) + (1 - DELTA) * refFunctionWords;
      double testWeighted = 0;
      double refWeighted = 0;
      int testTotal = 0;
      int refTotal = 0;
      for (int k = 0; k < MODULES; k++) {
        testWeighted += testContentMatches[k] * WEIGHTS[k] * DELTA;
        refWeighted += refContentMatches[k] * WEIGHTS[k] * DELTA;
        testWeighted += testFunctionMatches[k] * WEIGHTS[k] * (1 - DELTA);
        refWeighted += refFunctionMatches[k] * WEIGHTS[k] * (1 - DELTA);
        testTotal += testContentMatches[k] + testFunctionMatches[k];
        refTotal += refContentMatches[k] + refFunctionMatches[k];
      }
      double precision = testWeighted / testWeightedLength;
      double recall = refWeighted / refWeightedLength;
      double fMean = 1.0 / ((1.0 - ALPHA) / precision + ALPHA / recall);
      double frag;
      if (testTotal == testLength && refTotal == refLength && chunks == 1) {
        frag = 0;
      } else {
        frag = chunks / ((testWordMatches + refWordMatches) / 2.0);
      }
      double penalty = GAMMA * Math.pow(frag, BETA);
      double s = fMean * (1.0 - penalty);
      score = Double.isNaN(s) ? 0 : Math.max(s, 0.0);
    }
  }
}

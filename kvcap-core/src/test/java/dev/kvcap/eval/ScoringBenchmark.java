package dev.kvcap.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Scores 5,000 images x 5 references (the fixture's real captions, re-dealt with new ids from a
 * seeded random generator) and prints the median wall time of several runs after warm-up, for all
 * metrics together and for each alone. Not a JUnit test; run with
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) dev.kvcap.eval.ScoringBenchmark}.
 */
public final class ScoringBenchmark {

  private static final int IMAGES = 5_000;
  private static final int REFS_PER_IMAGE = 5;
  private static final int WARMUP = 3;
  private static final int RUNS = 7;

  private ScoringBenchmark() {}

  public static void main(String[] args) {
    CocoFixture fixture = CocoFixture.load();
    List<String> refPool = new ArrayList<>();
    fixture.refs.values().forEach(refPool::addAll);
    List<String> hypPool = new ArrayList<>(fixture.results.values());
    Random random = new Random(7);
    Map<Long, List<String>> refs = new LinkedHashMap<>();
    Map<Long, String> results = new LinkedHashMap<>();
    for (long id = 1; id <= IMAGES; id++) {
      List<String> five = new ArrayList<>(REFS_PER_IMAGE);
      for (int r = 0; r < REFS_PER_IMAGE; r++) {
        five.add(refPool.get(random.nextInt(refPool.size())));
      }
      refs.put(id, five);
      results.put(id, hypPool.get(random.nextInt(hypPool.size())));
    }
    System.out.printf("%d images x %d references, median of %d runs after %d warm-up runs%n",
        IMAGES, REFS_PER_IMAGE, RUNS, WARMUP);
    time("all (tokenise + BLEU + METEOR + ROUGE-L + CIDEr-D)", refs, results,
        EnumSet.allOf(Metric.class));
    for (Metric m : Metric.values()) {
      time("tokenise + " + m, refs, results, EnumSet.of(m));
    }
    time("tokenise only", refs, results, null);
  }

  private static void time(String label, Map<Long, List<String>> refs, Map<Long, String> results,
      Set<Metric> metrics) {
    double[] ms = new double[RUNS];
    double checksum = 0;
    for (int run = -WARMUP; run < RUNS; run++) {
      long start = System.nanoTime();
      if (metrics == null) {
        List<String> all = new ArrayList<>();
        refs.values().forEach(all::addAll);
        checksum += PtbTokenizer.tokenizeAll(all).size();
        checksum += PtbTokenizer.tokenizeAll(new ArrayList<>(results.values())).size();
      } else {
        Scores s = CaptionMetrics.score(refs, results, metrics);
        checksum += s.corpus().values().iterator().next();
      }
      long elapsed = System.nanoTime() - start;
      if (run >= 0) {
        ms[run] = elapsed / 1e6;
      }
    }
    Arrays.sort(ms);
    System.out.printf("%-55s median %7.1f ms  (min %7.1f, max %7.1f)  [%.3f]%n", label,
        ms[RUNS / 2], ms[0], ms[RUNS - 1], checksum);
  }
}

package dev.kvcap.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.process.CoreLabelTokenFactory;
import edu.stanford.nlp.process.PTBTokenizer;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Our tokeniser against Stanford CoreNLP 3.4.1's PTBTokenizer (a test-only dependency), run as
 * the toolkit runs it: {@code -preserveLines -lowerCase} over all captions written one per line.
 * Through the API that is {@code tokenizeNLs=true}, lower-casing, and splitting at newline tokens.
 */
class PtbTokenizerDifferentialTest {

  /** Seed and size of the adversarial run; {@code -Dkvcap.ptb.cases=N} makes a longer one. */
  static final long SEED = Long.getLong("kvcap.ptb.seed", 20260405L);

  static final int CASES = Integer.getInteger("kvcap.ptb.cases", 10_000);

  /**
   * Differences left at the default seed and size, all of the kinds listed as known in
   * docs/METRICS.md; the test fails if a change adds any. Lower it when a fix removes some.
   */
  static final int KNOWN_DIFFERENCES = 1504;

  /** The share of differences a longer run may show (15.0 % at the default seed and size). */
  static final double KNOWN_RATE = 0.16;

  /** Captions per toolkit run: the look-ahead across lines is exercised, one failure stays local. */
  private static final int BATCH = 50;

  /**
   * The characters other than {@code \n} that CoreNLP takes as a line end. The toolkit only
   * replaces {@code \n} inside a caption, so one of these shifts every later caption onto the
   * wrong image; kvcap reads them as spaces, which is what the toolkit's replacement means, and
   * the oracle is given the caption that way (a documented difference, METRICS.md).
   */
  static final String LINE_BREAKS = "\r\u000B\u000C\u2028\u2029";

  /** The toolkit's pipeline with CoreNLP: tokens per line, lower-cased, then filtered. */
  static List<List<String>> oracle(List<String> captions) {
    StringBuilder text = new StringBuilder();
    for (String c : captions) {
      text.append(spacedLineBreaks(c.replace('\n', ' '))).append('\n');
    }
    PTBTokenizer<CoreLabel> tokenizer = new PTBTokenizer<>(
        new StringReader(text.toString()), new CoreLabelTokenFactory(),
        "tokenizeNLs=true,untokenizable=noneDelete");
    List<List<String>> lines = new ArrayList<>();
    List<String> line = new ArrayList<>();
    while (tokenizer.hasNext()) {
      String word = tokenizer.next().word();
      if (word.equals("*NL*")) {
        lines.add(line);
        line = new ArrayList<>();
      } else {
        String lower = word.toLowerCase(Locale.ROOT);
        if (!PtbTokenizer.DROPPED.contains(lower)) {
          line.add(lower);
        }
      }
    }
    // blank captions at the end produce no newline token of their own
    while (lines.size() < captions.size()) {
      lines.add(line);
      line = new ArrayList<>();
    }
    return lines;
  }

  static String spacedLineBreaks(String caption) {
    StringBuilder sb = new StringBuilder(caption.length());
    for (int k = 0; k < caption.length(); k++) {
      char c = caption.charAt(k);
      sb.append(LINE_BREAKS.indexOf(c) >= 0 ? ' ' : c);
    }
    return sb.toString();
  }

  /** One caption on which we and CoreNLP disagree (ours holds the exception if we threw). */
  record Difference(String caption, List<String> coreNlp, List<String> ours) {
    @Override
    public String toString() {
      return "\n  " + printable(caption) + "\n    corenlp: " + printable(coreNlp.toString())
          + "\n    ours:    " + printable(ours.toString());
    }
  }

  /** Every caption on which we differ from CoreNLP, tokenised {@link #BATCH} lines at a time. */
  static List<Difference> differences(List<String> captions) {
    List<Difference> out = new ArrayList<>();
    for (int from = 0; from < captions.size(); from += BATCH) {
      List<String> batch = captions.subList(from, Math.min(captions.size(), from + BATCH));
      List<List<String>> expected = oracle(batch);
      List<List<String>> ours;
      try {
        ours = PtbTokenizer.tokenizeAll(batch);
      } catch (RuntimeException e) {
        ours = java.util.Collections.nCopies(batch.size(), List.of("threw " + e));
      }
      for (int k = 0; k < batch.size(); k++) {
        if (!expected.get(k).equals(ours.get(k))) {
          out.add(new Difference(batch.get(k), expected.get(k), ours.get(k)));
        }
      }
    }
    return out;
  }

  /** Non-ASCII and control characters as {@code \\uXXXX}, so that a failure message is legible. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c));
    }
    return sb.toString();
  }

  private static List<Difference> shortest(List<Difference> found, int n) {
    return found.stream().sorted(java.util.Comparator.comparingInt(d -> d.caption().length()))
        .limit(n).toList();
  }

  private static void assertSameAsCoreNlp(List<String> captions) {
    List<Difference> found = differences(captions);
    assertEquals(0, found.size(), found.size() + " of " + captions.size() + " differ:"
        + found.subList(0, Math.min(5, found.size())));
  }

  @Test
  void everyFixtureCaptionTokenizesAsCoreNlpDoes() {
    CocoFixture fixture = CocoFixture.load();
    List<String> captions = new ArrayList<>();
    fixture.refs.values().forEach(captions::addAll);
    captions.addAll(fixture.results.values());
    fixture.expected.getAsJsonArray("tokenizer_cases")
        .forEach(c -> captions.add(c.getAsJsonObject().get("raw").getAsString()));
    assertSameAsCoreNlp(captions);
  }

  @Test
  void generatedPunctuationHeavyCaptionsTokenizeAsCoreNlpDoes() {
    assertSameAsCoreNlp(PunctuationHeavyCaptions.generate(20240601L, 4000));
  }

  @Test
  void adversarialCaptionsTokenizeAsCoreNlpDoes() {
    List<String> real = new ArrayList<>();
    CocoFixture.load().refs.values().forEach(real::addAll);
    List<String> captions = new AdversarialCaptions(SEED, real).generate(CASES);
    long start = System.nanoTime();
    List<Difference> found = differences(captions);
    System.err.printf("PtbTokenizerDifferentialTest: seed %d, %d adversarial captions, %d differ"
        + " (%.1f s)%n", SEED, CASES, found.size(), (System.nanoTime() - start) / 1e9);
    boolean byDefault = SEED == 20260405L && CASES == 10_000;
    assertTrue(byDefault ? found.size() <= KNOWN_DIFFERENCES : found.size() <= KNOWN_RATE * CASES,
        found.size() + " of " + captions.size() + " differ (known: " + KNOWN_DIFFERENCES + " of"
            + " 10,000), shortest:" + shortest(found, 8));
  }

  @Test
  void theOracleItselfSeesTheDifferencesThisTestLooksFor() {
    assertEquals(List.of(List.of("do", "n't", "-lrb-", "x", "-rrb-"), List.of("cth", "d")),
        oracle(List.of("Don't (x).", "cth D.", "The end")).subList(0, 2));
  }
}

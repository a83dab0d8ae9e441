package dev.kvcap.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

  /** The toolkit's pipeline with CoreNLP: tokens per line, lower-cased, then filtered. */
  static List<List<String>> oracle(List<String> captions) {
    StringBuilder text = new StringBuilder();
    for (String c : captions) {
      text.append(c.replace('\n', ' ')).append('\n');
    }
    PTBTokenizer<CoreLabel> tokenizer = new PTBTokenizer<>(
        new StringReader(text.toString()), new CoreLabelTokenFactory(), "tokenizeNLs=true");
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

  private static void assertSameAsCoreNlp(List<String> captions) {
    List<List<String>> expected = oracle(captions);
    List<List<String>> ours = PtbTokenizer.tokenizeAll(captions);
    int mismatches = 0;
    StringBuilder first = new StringBuilder();
    for (int k = 0; k < captions.size(); k++) {
      if (!expected.get(k).equals(ours.get(k))) {
        if (mismatches++ < 5) {
          first.append("\n  ").append(captions.get(k).replace("\n", "\\n"))
              .append("\n    corenlp: ").append(expected.get(k))
              .append("\n    ours:    ").append(ours.get(k));
        }
      }
    }
    assertEquals(0, mismatches, mismatches + " of " + captions.size() + " differ:" + first);
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
  void theOracleItselfSeesTheDifferencesThisTestLooksFor() {
    assertEquals(List.of(List.of("do", "n't", "-lrb-", "x", "-rrb-"), List.of("cth", "d")),
        oracle(List.of("Don't (x).", "cth D.", "The end")).subList(0, 2));
  }
}

package dev.kvcap.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The caption tokeniser of the MSCOCO caption evaluation toolkit, re-implemented.
 *
 * <p>The toolkit writes every caption on its own line (embedded newlines replaced by spaces), runs
 * Stanford CoreNLP 3.4.1's {@code PTBTokenizer -preserveLines -lowerCase} over the whole file,
 * and drops the punctuation tokens in {@link #DROPPED}. This class reproduces that output for
 * caption-like text: words in any script, hyphenated and slash compounds, numbers (signed,
 * decimal, fractions), contractions ({@code n't 's 'm 'd 're 've 'll}), quotes, brackets,
 * abbreviations, currency, URLs, HTML tags, emoticons, Unicode punctuation and the characters
 * CoreNLP deletes (controls, emoji); {@link PtbLexer} does the work. What it still does
 * differently is listed in docs/METRICS.md and measured by {@code PtbTokenizerDifferentialTest}. Because the PTB lexer looks across line ends (a one-letter abbreviation such
 * as {@code D.} loses its period when the next line starts with a capital), {@link
 * #tokenizeAll(List)} takes the captions in the order the toolkit would write them.
 *
 * <p>Written from the tokeniser's observed behaviour; no CoreNLP code is used.
 */
public final class PtbTokenizer {

  /** Tokens the toolkit removes after tokenising (compared after lower-casing). */
  public static final Set<String> DROPPED =
      Set.of("''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":",
          "-", "--", "...", ";");

  private PtbTokenizer() {}

  /** Tokenises one caption as the toolkit would if it were the last line of its file. */
  public static List<String> tokenize(String caption) {
    return tokenizeAll(List.of(caption)).get(0);
  }

  /**
   * Tokenises captions as the toolkit does when it writes them one per line into one file, in
   * this order.
   *
   * @return one lower-cased, filtered token list per caption
   */
  public static List<List<String>> tokenizeAll(List<String> captions) {
    StringBuilder text = new StringBuilder();
    int[] lineEnds = new int[captions.size()];
    for (int k = 0; k < captions.size(); k++) {
      if (k > 0) {
        text.append('\n');
      }
      text.append(captions.get(k).replace('\n', ' '));
      lineEnds[k] = text.length();
    }
    List<List<String>> out = new ArrayList<>(captions.size());
    PtbLexer lexer = new PtbLexer(text.toString());
    for (int k = 0; k < captions.size(); k++) {
      List<String> tokens = new ArrayList<>();
      lexer.lexUntil(lineEnds[k], tokens);
      out.add(tokens);
    }
    return out;
  }
}

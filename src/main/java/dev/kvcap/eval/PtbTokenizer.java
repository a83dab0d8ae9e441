package dev.kvcap.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The caption tokeniser of the MSCOCO caption evaluation toolkit, re-implemented.
 *
 * <p>The toolkit writes every caption on its own line (embedded newlines replaced by spaces), runs
 * Stanford CoreNLP 3.4.1's {@code PTBTokenizer -preserveLines -lowerCase} over the whole file,
 * and drops the punctuation tokens in {@link #DROPPED}. This class reproduces that output for
 * caption-like English text: words, hyphenated and slash compounds, numbers, fractions,
 * contractions ({@code n't 's 'm 'd 're 've 'll}), quotes, brackets, abbreviations and
 * punctuation runs. Because the PTB lexer looks across line ends (a one-letter abbreviation such
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

  /** Words that, after a one-letter abbreviation, make PTB read its period as a sentence end. */
  private static final Set<String> SENTENCE_STARTERS =
      Set.of("the", "a", "an", "this", "that", "these", "he", "she", "it", "they", "we", "you",
          "in", "at", "there", "what", "but", "if", "as", "so", "then", "here", "her", "some",
          "many", "one", "when", "while", "after", "our", "their", "yet", "since", "now", "other",
          "such", "however", "last", "more", "once", "earlier");

  /** Abbreviations that always keep their period (PTB's "followed by a capital" class). */
  private static final Set<String> ABBREV_ALWAYS =
      Set.of("mr", "mrs", "ms", "mx", "miss", "dr", "drs", "prof", "profs", "sen", "sens", "rep",
          "reps", "atty", "attys", "lt", "col", "gen", "messrs", "gov", "govs", "adm", "rev",
          "maj", "sgt", "cpl", "pvt", "capt", "st", "ste", "ave", "pres", "lieut", "hon", "brig",
          "cmdr", "comdr", "pfc", "spc", "supt", "supts", "det", "mt", "ft", "adj", "adv", "asst",
          "assoc", "ens", "insp", "mlle", "mme", "msgr", "sfc", "vs", "v", "alex", "wm", "jos",
          "cie", "cf", "treas", "ph", "invt", "elec", "natl", "mfg", "mtg", "dept", "blvd", "rd",
          "sr");

  /** Abbreviations that keep their period; before a capital PTB adds a sentence period too. */
  private static final Set<String> ABBREV_LOWER_FOLLOWS =
      Set.of("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
          "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "ala", "ariz", "ark", "calif", "colo",
          "conn", "ct", "dak", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "mass",
          "md", "mich", "minn", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "penn", "tenn",
          "tex", "va", "vt", "wash", "wis", "wisc", "wyo", "inc", "co", "cos", "corp", "pty",
          "ltd", "plc", "rt", "bancorp", "bhd", "assn", "univ", "intl", "sys", "tel", "est", "ext",
          "sq", "jr", "bros", "esq", "etc", "al", "seq", "bldg");

  /** Abbreviations that keep their period only before a number ({@code no. 5}). */
  private static final Set<String> ABBREV_BEFORE_NUMBER =
      Set.of("ca", "fig", "figs", "prop", "no", "nos", "sec", "sect", "secs", "sects", "art",
          "arts", "para", "paras", "pp", "op", "approx", "pt", "rs");

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
    Lexer lexer = new Lexer(text.toString());
    for (int k = 0; k < captions.size(); k++) {
      List<String> tokens = new ArrayList<>();
      lexer.lexUntil(lineEnds[k], tokens);
      out.add(tokens);
    }
    return out;
  }

  /**
   * Adds {@code token} lower-cased unless the toolkit drops it. Lower-casing comes first, as in
   * the toolkit, so {@code -lrb-} and friends survive the filter.
   */
  static void emit(String token, List<String> out) {
    String lower = token.toLowerCase(Locale.ROOT);
    if (!DROPPED.contains(lower)) {
      out.add(lower);
    }
  }

  /** A scanner over the whole joined text, so that look-ahead can cross line ends. */
  private static final class Lexer {
    private final String s;
    private int i;

    Lexer(String s) {
      this.s = s;
    }

    private char at(int k) {
      return k < s.length() ? s.charAt(k) : '\0';
    }

    private static boolean isSpace(char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u00A0'
          || c == '\u000B' || Character.isWhitespace(c);
    }

    private static boolean isAlnum(char c) {
      return Character.isLetterOrDigit(c);
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    void lexUntil(int end, List<String> out) {
      while (i < end) {
        char c = s.charAt(i);
        if (isSpace(c)) {
          i++;
        } else if (isAlnum(c)) {
          word(out);
        } else {
          symbol(out);
        }
      }
      // skip the newline separating this caption from the next
      if (i == end) {
        i++;
      }
    }

    /** Length of an alphanumeric run starting at k. */
    private int alnumRun(int k) {
      int j = k;
      while (j < s.length() && isAlnum(s.charAt(j))) {
        j++;
      }
      return j - k;
    }

    private void word(List<String> out) {
      int start = i;
      int j = i + alnumRun(i);
      int slashes = 0;
      boolean dotted = false;
      while (j < s.length()) {
        char c = s.charAt(j);
        char next = at(j + 1);
        if (c == '-' && isAlnum(next)) {
          j += 1 + alnumRun(j + 1);
        } else if ((c == '.' || c == ',' || c == ':') && isDigit(s.charAt(j - 1))
            && isDigit(next)) {
          j += 1 + digitsRun(j + 1);
        } else if (c == '.' && Character.isLetter(next) && Character.isLetter(s.charAt(j - 1))) {
          dotted = isAcronymSoFar(start, j);
          j += 1 + alnumRun(j + 1);
        } else if (c == '&' && Character.isUpperCase(next) && isAllUpper(start, j)
            && isAllUpper(j + 1, j + 1 + alnumRun(j + 1))) {
          j += 1 + alnumRun(j + 1);
        } else if (c == '/' && isAlnum(next) && slashes < 2) {
          slashes++;
          j += 1 + alnumRun(j + 1);
        } else {
          break;
        }
      }
      String w = s.substring(start, j);
      if (fraction(start, j, w, out)) {
        return;
      }
      if (isApostrophe(at(j)) && apoWord(start, j, w, out)) {
        return;
      }
      // contractions: WORD/'s etc. and SWORD/n't
      if (isApostrophe(at(j))) {
        if (redaux(j + 1) > 0) {
          emit(w, out);
          i = j;
          return;
        }
        if (w.equalsIgnoreCase("n") && (at(j + 1) | 0x20) == 't') {
          emit(s.substring(start, j + 2), out);
          i = j + 2;
          return;
        }
        if (isAllLetters(w) && w.length() >= 2 && (at(j - 1) | 0x20) == 'n'
            && (at(j + 1) | 0x20) == 't' && (at(j - 2) | 0x20) != 'n') {
          emit(w.substring(0, w.length() - 1), out);
          emit(s.substring(j - 1, j + 2), out);
          i = j + 2;
          return;
        }
      }
      if (assimilation(w, start, out)) {
        i = j;
        return;
      }
      if (at(j) == '.' && keepsPeriod(w, dotted, j + 1)) {
        emit(s.substring(start, j + 1), out);
        i = j + 1;
        return;
      }
      emit(w, out);
      i = j;
    }

    /**
     * Words with an inner apostrophe that PTB keeps whole ({@code O'Brien}, {@code o'clock}) or
     * splits after it ({@code y'all}).
     */
    private boolean apoWord(int start, int j, String w, List<String> out) {
      int rest = j + 1;
      int letters = 0;
      while (Character.isLetter(at(rest + letters))) {
        letters++;
      }
      char first = w.charAt(0);
      boolean singlePrefix = w.length() == 1
          && (first >= 'A' && first <= 'Z' && first != 'I' && first != 'Y' || first == 'n');
      String whole = s.substring(start, rest + letters);
      if (singlePrefix && letters >= 2 || whole.equalsIgnoreCase("o'clock")) {
        emit(whole, out);
        i = rest + letters;
        return true;
      }
      if (w.equalsIgnoreCase("y") && letters > 0 || "lLdDjJ".indexOf(first) >= 0 && w.length() == 1) {
        emit(s.substring(start, rest), out);
        i = rest;
        return true;
      }
      return false;
    }

    private boolean isAllUpper(int from, int to) {
      for (int k = from; k < to; k++) {
        if (!Character.isUpperCase(s.charAt(k))) {
          return false;
        }
      }
      return to > from;
    }

    /** True while s[start, j) looks like {@code a.b.c} (single letters between dots). */
    private boolean isAcronymSoFar(int start, int j) {
      for (int k = start; k < j; k++) {
        boolean letterSlot = (k - start) % 2 == 0;
        char c = s.charAt(k);
        if (letterSlot ? !Character.isLetter(c) : c != '.') {
          return false;
        }
      }
      return (j - start) % 2 == 1;
    }

    /** Whether a word followed by a period keeps it; {@code after} indexes past the period. */
    private boolean keepsPeriod(String w, boolean dotted, int after) {
      String lw = w.toLowerCase(Locale.ROOT);
      if (dotted) {
        return true;
      }
      if (ABBREV_ALWAYS.contains(lw) && w.length() > 1) {
        return true;
      }
      if (ABBREV_LOWER_FOLLOWS.contains(lw)) {
        return true;
      }
      if (w.length() == 1 && Character.isLetter(w.charAt(0))) {
        return !sentenceStartFollows(after);
      }
      if (ABBREV_BEFORE_NUMBER.contains(lw)) {
        return isDigit(at(after)) || isSpace(at(after)) && isDigit(at(after + 1));
      }
      return false;
    }

    /**
     * White space, then one of PTB's sentence-initial words as a whole word: the lexer's
     * sentence-end test after a one-letter abbreviation ({@code D. The man} splits the period
     * off; {@code D. Two men} and {@code D. the man} do not).
     */
    private boolean sentenceStartFollows(int k) {
      int m = k;
      while (m < s.length() && isSpace(s.charAt(m))) {
        m++;
      }
      int e = m;
      while (e < s.length() && Character.isLetter(s.charAt(e))) {
        e++;
      }
      return m > k && e > m && Character.isUpperCase(s.charAt(m))
          && (e == s.length() || isSpace(s.charAt(e)))
          && SENTENCE_STARTERS.contains(s.substring(m, e).toLowerCase(Locale.ROOT));
    }

    /** {@code 22 3/4} is one token with a non-breaking space. */
    private boolean fraction(int start, int j, String w, List<String> out) {
      if (!isAllDigits(w) || w.length() > 4 || at(j) != ' ') {
        return false;
      }
      int k = j + 1;
      int a = digitsRun(k);
      if (a == 0 || a > 4 || at(k + a) != '/') {
        return false;
      }
      int b = digitsRun(k + a + 1);
      if (b == 0 || b > 4) {
        return false;
      }
      int e = k + a + 1 + b;
      if (isAlnum(at(e)) || at(e) == '/') {
        return false;
      }
      emit(w + '\u00A0' + s.substring(k, e), out);
      i = e;
      return true;
    }

    private int digitsRun(int k) {
      int j = k;
      while (j < s.length() && isDigit(s.charAt(j))) {
        j++;
      }
      return j - k;
    }

    private boolean assimilation(String w, int start, List<String> out) {
      String lw = w.toLowerCase(Locale.ROOT);
      int split;
      if (lw.equals("cannot")) {
        split = 3;
      } else if (lw.equals("gonna") || lw.equals("gotta") || lw.equals("lemme")
          || lw.equals("gimme") || lw.equals("wanna")) {
        split = 3;
      } else {
        return false;
      }
      emit(w.substring(0, split), out);
      emit(w.substring(split), out);
      return true;
    }

    /** Length of a reduced auxiliary ({@code s m d re ve ll}) at k, or 0. */
    private int redaux(int k) {
      char a = Character.toLowerCase(at(k));
      char b = Character.toLowerCase(at(k + 1));
      int len;
      if (a == 's' || a == 'm' || a == 'd') {
        len = 1;
      } else if ((a == 'r' || a == 'v') && b == 'e' || a == 'l' && b == 'l') {
        len = 2;
      } else {
        return 0;
      }
      return Character.isLetter(at(k + len)) ? 0 : len;
    }

    private void symbol(List<String> out) {
      char c = s.charAt(i);
      switch (c) {
        case '\'', '\u2019' -> apostrophe(out);
        case '`', '\u2018' -> {
          i += at(i + 1) == c ? 2 : 1;
          emit("`", out);
        }
        case '"', '\u201C', '\u201D' -> {
          i++;
          emit("''", out);
        }
        case '(' -> single("-LRB-", out);
        case ')' -> single("-RRB-", out);
        case '[' -> single("-LSB-", out);
        case ']' -> single("-RSB-", out);
        case '{' -> single("-LCB-", out);
        case '}' -> single("-RCB-", out);
        case '?', '!' -> {
          int j = i;
          while (at(j) == '?' || at(j) == '!') {
            j++;
          }
          emit(s.substring(i, j), out);
          i = j;
        }
        case '.' -> {
          if (isDigit(at(i + 1))) {
            numberWithLead(out);
          } else if (at(i + 1) == '.' && at(i + 2) == '.') {
            int j = i;
            while (at(j) == '.') {
              j++;
            }
            i = j;
            emit("...", out);
          } else {
            single(".", out);
          }
        }
        case ',' -> {
          if (isDigit(at(i + 1))) {
            numberWithLead(out);
          } else {
            single(",", out);
          }
        }
        case '-' -> {
          int j = i;
          while (at(j) == '-') {
            j++;
          }
          emit(j - i == 1 ? "-" : "--", out);
          i = j;
        }
        case '#', '@' -> {
          if (Character.isLetter(at(i + 1))) {
            int j = i + 1 + alnumRun(i + 1);
            emit(s.substring(i, j), out);
            i = j;
            return;
          }
          int j = i;
          while (at(j) == c) {
            j++;
          }
          emit(s.substring(i, j), out);
          i = j;
        }
        default -> {
          int cp = s.codePointAt(i);
          int n = Character.charCount(cp);
          emit(s.substring(i, i + n), out);
          i += n;
        }
      }
    }

    private void single(String token, List<String> out) {
      i++;
      emit(token, out);
    }

    /** {@code ,5} or {@code .5}: a number with a leading separator. */
    private void numberWithLead(List<String> out) {
      int j = i + 1 + digitsRun(i + 1);
      while ((at(j) == '.' || at(j) == ',') && isDigit(at(j + 1))) {
        j += 1 + digitsRun(j + 1);
      }
      emit(s.substring(i, j), out);
      i = j;
    }

    private void apostrophe(List<String> out) {
      int len = redaux(i + 1);
      if (len > 0) {
        emit(s.substring(i, i + 1 + len), out);
        i += 1 + len;
        return;
      }
      if (isDigit(at(i + 1)) && isDigit(at(i + 2))) {
        // '90s anywhere before a non-word character; '22 only before white space or the end
        if ((at(i + 3) | 0x20) == 's' && !isAlnum(at(i + 4))) {
          emit(s.substring(i, i + 4), out);
          i += 4;
          return;
        }
        if (i + 3 >= s.length() || isSpace(at(i + 3))) {
          emit(s.substring(i, i + 3), out);
          i += 3;
          return;
        }
      }
      if ((at(i + 1) | 0x20) == 't' && (at(i + 2) | 0x20) == 'i' && (at(i + 3) | 0x20) == 's'
          && !isAlnum(at(i + 4))) {
        emit(s.substring(i, i + 2), out);
        emit(s.substring(i + 2, i + 4), out);
        i += 4;
        return;
      }
      if (at(i + 1) == 'n' && isApostrophe(at(i + 2)) && !isAlnum(at(i + 3))) {
        emit(s.substring(i, i + 3), out);
        i += 3;
        return;
      }
      if (at(i + 1) == '\'') {
        i += 2;
        emit("''", out);
        return;
      }
      i++;
      emit("'", out);
    }

    private static boolean isAllLetters(String w) {
      for (int k = 0; k < w.length(); k++) {
        if (!Character.isLetter(w.charAt(k))) {
          return false;
        }
      }
      return true;
    }

    private static boolean isAllDigits(String w) {
      for (int k = 0; k < w.length(); k++) {
        if (!isDigit(w.charAt(k))) {
          return false;
        }
      }
      return !w.isEmpty();
    }

    private static boolean isApostrophe(char c) {
      return c == '\'' || c == '\u2019';
    }
  }
}

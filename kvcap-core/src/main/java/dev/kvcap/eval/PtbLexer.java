package dev.kvcap.eval;

import java.util.List;
import java.util.Locale;

/**
 * The PTB lexer of {@link PtbTokenizer}: a scanner over all captions joined by newlines, so that
 * look-ahead can cross line ends as CoreNLP's does. Characters are classed by {@link PtbChars},
 * word lists are in {@link PtbWords}.
 */
final class PtbLexer {

  private final String s;
  private int i;

  PtbLexer(String s) {
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
    return PtbChars.isWordChar(c);
  }

  private static boolean isAsciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  void lexUntil(int end, List<String> out) {
    while (i < end) {
      char c = s.charAt(i);
      if (isSpace(c) || isDeleted(i)) {
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

  /**
   * Whether the character at k is deleted where it stands: CoreNLP's untokenisable characters,
   * everything outside the BMP, and joiners that join nothing here.
   */
  private boolean isDeleted(int k) {
    char c = s.charAt(k);
    byte kind = PtbChars.kind(c);
    if (Character.isSurrogate(c) || kind == PtbChars.DELETED || c < 0x20 || c == 0x7F) {
      return true;
    }
    return kind == PtbChars.SPECIAL && (PtbChars.isInnerHyphen(c) && c != '\u00AD'
        || (c == '\u066B' || c == '\u066C'));
  }

  /**
   * Length of a word-character run starting at k: letters and digits of any script, a mark
   * unless it follows a digit, inner hyphens between word characters, digit joiners between
   * digits.
   */
  private int alnumRun(int k) {
    int j = k;
    while (j < s.length()) {
      char c = s.charAt(j);
      char prev = j > k ? s.charAt(j - 1) : ' ';
      if (PtbChars.kind(c) == PtbChars.MARK && j > k && isDigit(prev)) {
        break;
      }
      if (isAlnum(c)) {
        j++;
      } else if (j > k && PtbChars.isInnerHyphen(c) && (isAlnum(at(j + 1)) || c == '\u00AD')) {
        j++;
      } else if (j > k && PtbChars.isDigitJoiner(c) && isDigit(prev) && isDigit(at(j + 1))) {
        j++;
      } else {
        break;
      }
    }
    return j - k;
  }

  private void word(List<String> out) {
    if (url(out)) {
      return;
    }
    int start = i;
    int j = i + alnumRun(i);
    int slashes = 0;
    boolean dotted = false;
    boolean time = false;
    while (j < s.length()) {
      char c = s.charAt(j);
      char next = at(j + 1);
      if (c == '-' && isAlnum(next) && !time) {
        j += 1 + alnumRun(j + 1);
      } else if ((c == '_' || c == '@') && isAlnum(next)
          || (c == '?' || c == '!') && Character.isLetter(s.charAt(j - 1)) && isAlnum(next)) {
        j += 1 + alnumRun(j + 1);
      } else if ((c == '.' || c == ',' || c == ':') && isDigit(s.charAt(j - 1))
          && isDigit(next)) {
        time |= c == ':';
        j += 1 + digitsRun(j + 1);
      } else if (c == '.' && Character.isLetter(next) && Character.isLetter(s.charAt(j - 1))) {
        int end = j + 1 + alnumRun(j + 1);
        dotted = end == j + 2; // the last part is one letter: Ph.D. and U.S.A. keep their period
        j = end;
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
    if (at(j) == '$' && w.length() <= 3 && isAllUpper(start, j)) {
      emit(w + '$', out); // US$, C$, HK$
      i = j + 1;
      return;
    }
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
    if (at(j) == '.' && (at(j + 1) == ',' || keepsPeriod(w, dotted, j + 1))) {
      emit(s.substring(start, j + 1), out);
      i = j + 1;
      return;
    }
    emit(w, out);
    i = j;
  }

  /**
   * {@code http://}, {@code https://} or {@code mailto:} and a host with a dot: one token up to
   * white space, without a closing bracket or trailing punctuation.
   */
  private boolean url(List<String> out) {
    char first = (char) (s.charAt(i) | 0x20);
    if (first != 'h' && first != 'm') {
      return false;
    }
    int k = i;
    String head = s.substring(i, Math.min(s.length(), i + 8)).toLowerCase(Locale.ROOT);
    if (head.startsWith("http://")) {
      k += 7;
    } else if (head.startsWith("https://")) {
      k += 8;
    } else if (head.startsWith("mailto:")) {
      k += 7;
    } else {
      return false;
    }
    int j = k;
    while (j < s.length() && (isAlnum(s.charAt(j)) || "._~:/?#@!$&+=%-;*'".indexOf(s.charAt(j)) >= 0)) {
      j++;
    }
    while (j > k && ".,:;!?'".indexOf(s.charAt(j - 1)) >= 0) {
      j--;
    }
    if (s.substring(k, j).indexOf('.') < 0) {
      return false;
    }
    emit(s.substring(i, j), out);
    i = j;
    return true;
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
    singlePrefix |= w.length() == 1 && "ld".indexOf(first) >= 0;
    if (singlePrefix && letters >= 2 || PtbWords.WHOLE_WITH_APOSTROPHE.contains(whole.toLowerCase(Locale.ROOT)
        .replace('\u2019', '\''))) {
      emit(whole, out);
      i = rest + letters;
      return true;
    }
    if (w.equalsIgnoreCase("y") && letters > 0 || "LDjJ".indexOf(first) >= 0 && w.length() == 1) {
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
    if (PtbWords.ABBREV_ALWAYS.contains(lw) && w.length() > 1) {
      return true;
    }
    if (PtbWords.ABBREV_LOWER_FOLLOWS.contains(lw)) {
      return true;
    }
    if (w.length() == 1 && isAsciiLetter(w.charAt(0))) {
      return !sentenceStartFollows(after);
    }
    if (PtbWords.ABBREV_BEFORE_NUMBER.contains(lw)) {
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
        && PtbWords.SENTENCE_STARTERS.contains(s.substring(m, e).toLowerCase(Locale.ROOT));
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
        if (signedNumber(out)) {
          return;
        }
        for (String bracket : PtbWords.BRACKET_NAMES) {
          if (s.startsWith(bracket, i)) {
            emit(bracket, out); // PTB's own bracket tokens pass through
            i += bracket.length();
            return;
          }
        }
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
      case '<' -> {
        if (!sgml(out)) {
          single("<", out);
        }
      }
      case ':', ';', '=', '>' -> {
        if (!emoticon(out)) {
          single(String.valueOf(c), out);
        }
      }
      case '^' -> {
        if (s.startsWith("^_^", i)) {
          emit("^_^", out);
          i += 3;
        } else {
          single("^", out);
        }
      }
      case '+' -> {
        if (!signedNumber(out)) {
          single("+", out);
        }
      }
      case '*' -> {
        int j = i;
        while (at(j) == '*') {
          j++;
        }
        emit(s.substring(i, j), out);
        i = j;
      }
      case '_' -> {
        int j = i;
        while (at(j) == '_') {
          j++;
        }
        emit(s.substring(i, j), out);
        i = j;
      }
      default -> {
        String rewritten = PtbChars.kind(c) == PtbChars.SPECIAL ? PtbChars.rewritten(c) : null;
        i++;
        emit(rewritten != null ? rewritten : String.valueOf(c), out);
      }
    }
  }

  /**
   * An SGML/HTML tag such as {@code <br/>} or {@code <a href="x">}: one token, its spaces
   * turned into non-breaking spaces as PTB does.
   */
  private boolean sgml(List<String> out) {
    char a = at(i + 1);
    boolean opens = isAsciiLetter(a) || (a == '/' || a == '!') && (isAsciiLetter(at(i + 2))
        || at(i + 2) == '-');
    if (!opens) {
      return false;
    }
    int j = i + 1;
    while (j < s.length() && s.charAt(j) != '>' && s.charAt(j) != '<' && s.charAt(j) != '\n') {
      j++;
    }
    if (at(j) != '>') {
      return false;
    }
    emit(s.substring(i, j + 1).replace(' ', '\u00A0'), out);
    i = j + 1;
    return true;
  }

  /**
   * An emoticon: {@code >?} eyes {@code [:;=]}, an optional nose {@code [-'o]}, one mouth
   * ({@code :3} only without a nose); brackets in it are written PTB's way ({@code :-rrb-}).
   */
  private boolean emoticon(List<String> out) {
    int k = at(i) == '>' ? i + 1 : i;
    char before = i > 0 ? s.charAt(i - 1) : ' ';
    if (":;=".indexOf(at(k)) < 0 || !(isSpace(before) || "([{\"'`".indexOf(before) >= 0)) {
      return false;
    }
    int m = "-'o".indexOf(at(k + 1)) >= 0 ? k + 2 : k + 1;
    char mouth = at(m);
    boolean ok = mouth != '\0' && (")(DPpd|\\O[]{@".indexOf(mouth) >= 0 || mouth == '3' && at(k) == ':' && m == k + 1 && k == i);
    if (!ok) {
      return false;
    }
    if (isAlnum(at(m + 1))) {
      return false;
    }
    emit(s.substring(i, m + 1).replace(")", "-RRB-").replace("(", "-LRB-"), out);
    i = m + 1;
    return true;
  }

  /** {@code -5}, {@code +5.5}, {@code -.5}, {@code -5:30}: a sign starts a number. */
  private boolean signedNumber(List<String> out) {
    int k = i + 1;
    if (at(k) == '.' && isDigit(at(k + 1))) {
      k++;
    }
    if (!isDigit(at(k))) {
      return false;
    }
    int j = k + digitsRun(k);
    while ((at(j) == '.' || at(j) == ',' || at(j) == ':') && isDigit(at(j + 1))) {
      j += 1 + digitsRun(j + 1);
    }
    emit(s.substring(i, j), out);
    i = j;
    return true;
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
    int letters = 0;
    while (isAsciiLetter(at(i + 1 + letters))) {
      letters++;
    }
    String after = s.substring(i + 1, i + 1 + letters).toLowerCase(Locale.ROOT);
    if ((after.equals("tis") || after.equals("twas")) && !isAlnum(at(i + 1 + letters))) {
      emit(s.substring(i, i + 2), out);
      emit(s.substring(i + 2, i + 1 + letters), out);
      i += 1 + letters;
      return;
    }
    if (PtbWords.AFTER_APOSTROPHE.contains(after) && !isAlnum(at(i + 1 + letters))
        && !isApostrophe(at(i + 1 + letters))) {
      emit(s.substring(i, i + 1 + letters), out);
      i += 1 + letters;
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

  /**
   * Adds {@code token} lower-cased unless the toolkit drops it. Lower-casing comes first, as in
   * the toolkit, so {@code -lrb-} and friends survive the filter.
   */
  static void emit(String token, List<String> out) {
    String lower = token.replace('\u2019', '\'').replace("\u00AD", "").toLowerCase(Locale.ROOT);
    if (!PtbTokenizer.DROPPED.contains(lower)) {
      out.add(lower);
    }
  }
}

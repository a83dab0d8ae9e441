package dev.kvcap.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * How CoreNLP 3.4.1's PTB lexer treats each non-ASCII character: part of a word, a token of its
 * own, rewritten (curly quotes, dashes, currency, vulgar fractions, the ellipsis) or deleted
 * (controls, format characters, unassigned code points, and everything outside the BMP, emoji
 * included). The classes come from {@code ptb-chars.txt}, written from CoreNLP's output for every
 * BMP character alone, inside a word, between digits and after a letter; {@code
 * PtbCharClassesTest} checks them all again. ASCII is the lexer's business.
 */
final class PtbChars {

  /** Part of a word. */
  static final byte LETTER = 1;
  /** Part of a word, except right after a digit (combining marks and the like). */
  static final byte MARK = 2;
  /** A token of its own. */
  static final byte SYMBOL = 3;
  /** Deleted; separates the tokens around it like a space. */
  static final byte DELETED = 4;
  /** Handled one by one: see {@link #rewritten}. */
  static final byte SPECIAL = 5;
  /** ASCII: see the lexer. */
  static final byte ASCII = 0;

  private static final byte[] KIND = load();

  private PtbChars() {}

  static byte kind(char c) {
    return c < 0x80 ? ASCII : KIND[c];
  }

  /** A letter or digit in any script, as CoreNLP reads words (not after a digit, for marks). */
  static boolean isWordChar(char c) {
    if (c < 0x80) {
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
    byte k = KIND[c];
    return k == LETTER || k == MARK;
  }

  /** Joins the word characters on both sides, deleted elsewhere (soft and non-breaking hyphens). */
  static boolean isInnerHyphen(char c) {
    return c == '\u00AD' || c == '\u2010' || c == '\u2011' || c == '\u058A';
  }

  /** Joins digits on both sides (Arabic decimal and thousands separators, the fraction slash). */
  static boolean isDigitJoiner(char c) {
    return c == '\u066B' || c == '\u066C' || c == '\u2044';
  }

  /**
   * The token a special character stands for on its own, or null when it is deleted there. The
   * quotes and dashes become PTB's ASCII forms, which the toolkit then drops.
   */
  static String rewritten(char c) {
    return switch (c) {
      case '\u0080', '\u00A4', '\u20A0', '\u20AC' -> "$";
      case '\u0091', '\u2018', '\u201B', '\u2039' -> "`";
      case '\u0092', '\u2019', '\u203A' -> "'";
      case '\u0093', '\u00AB', '\u201C' -> "``";
      case '\u0094', '\u00BB', '\u201D' -> "''";
      case '\u0096', '\u0097', '\u2013', '\u2014', '\u2015' -> "--";
      case '\u00A2' -> "cents";
      case '\u00A3' -> "#";
      case '\u00AD' -> "-";
      case '\u00BC' -> "1/4";
      case '\u00BD' -> "1/2";
      case '\u00BE' -> "3/4";
      case '\u2153' -> "1/3";
      case '\u2154' -> "2/3";
      case '\u2026', '\u0085' -> "...";
      case '\u2044' -> "\u2044";
      default -> null;
    };
  }

  private static byte[] load() {
    byte[] kind = new byte[0x10000];
    for (int c = 0x80; c < kind.length; c++) {
      kind[c] = DELETED;
    }
    try (InputStream in = PtbChars.class.getResourceAsStream("ptb-chars.txt")) {
      if (in == null) {
        throw new IllegalStateException("kvcap jar is missing dev/kvcap/eval/ptb-chars.txt");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.trim().split(" +");
        byte k = switch (f[0]) {
          case "L" -> LETTER;
          case "M" -> MARK;
          case "S" -> SYMBOL;
          default -> throw new IllegalStateException("ptb-chars.txt: unknown class " + f[0]);
        };
        for (int i = 1; i < f.length; i++) {
          int dash = f[i].indexOf('-');
          int from = Integer.parseInt(dash < 0 ? f[i] : f[i].substring(0, dash), 16);
          int to = dash < 0 ? from : Integer.parseInt(f[i].substring(dash + 1), 16);
          for (int c = from; c <= to; c++) {
            kind[c] = k;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (char c : "\u0080\u0085\u0091\u0092\u0093\u0094\u0096\u0097\u00A2\u00A3\u00A4\u00AB\u00AD\u00BB\u00BC\u00BD\u00BE\u058A\u066B\u066C\u2010\u2011\u2013\u2014\u2015\u2018\u2019\u201B\u201C\u201D\u2026\u2039\u203A\u2044\u20A0\u20AC\u2153\u2154".toCharArray()) {
      kind[c] = SPECIAL;
    }
    return kind;
  }
}

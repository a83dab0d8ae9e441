package dev.kvcap.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tokenised captions of the images being scored, as integer ids, shared by all metrics of one
 * scoring call.
 *
 * <p>Two views of each caption exist because the toolkit splits differently per metric: BLEU and
 * CIDEr call Python's {@code str.split()}, which also splits at the non-breaking space PTB puts
 * inside fractions ({@code 22\u00A03/4}); ROUGE-L and METEOR split at plain spaces only, and
 * ROUGE-L sees an empty caption as one empty token.
 */
final class Corpus {

  /** Image ids in scoring order. */
  final long[] imageIds;
  /** Tokens as the toolkit writes them (split at spaces), per image: candidate. */
  final List<List<String>> hypTokens;
  /** Tokens as the toolkit writes them, per image and reference. */
  final List<List<List<String>>> refTokens;
  /** BLEU/CIDEr word ids ({@code str.split()} view), per image: candidate. */
  final int[][] hypWords;
  /** BLEU/CIDEr word ids, per image and reference. */
  final int[][][] refWords;
  /** Id of every word string in the {@code str.split()} view. */
  final Map<String, Integer> vocabulary = new HashMap<>();

  Corpus(long[] imageIds, List<List<String>> hypTokens, List<List<List<String>>> refTokens) {
    this.imageIds = imageIds;
    this.hypTokens = hypTokens;
    this.refTokens = refTokens;
    int n = imageIds.length;
    hypWords = new int[n][];
    refWords = new int[n][][];
    for (int img = 0; img < n; img++) {
      hypWords[img] = words(imageIds[img], hypTokens.get(img));
      List<List<String>> refs = refTokens.get(img);
      refWords[img] = new int[refs.size()][];
      for (int r = 0; r < refs.size(); r++) {
        refWords[img][r] = words(imageIds[img], refs.get(r));
      }
    }
  }

  int size() {
    return imageIds.length;
  }

  /** As below; an unexpected failure names the image and caption. */
  private int[] words(long imageId, List<String> tokens) {
    try {
      return words(tokens);
    } catch (RuntimeException e) {
      throw new ScoringException("image " + imageId + ": counting the words of "
          + ScoringException.quoted(String.join(" ", tokens)) + " failed", e);
    }
  }

  /** Ids of the words Python's {@code " ".join(tokens).split()} yields. */
  private int[] words(List<String> tokens) {
    int[] ids = new int[tokens.size()];
    int n = 0;
    for (String token : tokens) {
      for (String part : hasSplitSpace(token) ? splitPython(token) : List.of(token)) {
        if (part.isEmpty()) {
          continue;
        }
        // a fraction ("22\u00A03/4") is two words, so there can be more words than tokens
        if (n == ids.length) {
          ids = Arrays.copyOf(ids, ids.length * 2 + 1);
        }
        ids[n++] = id(part);
      }
    }
    return n == ids.length ? ids : Arrays.copyOf(ids, n);
  }

  private int id(String word) {
    Integer id = vocabulary.get(word);
    if (id == null) {
      id = vocabulary.size();
      vocabulary.put(word, id);
    }
    return id;
  }

  /** Python 3 {@code str.isspace()} for the characters PTB output can hold. */
  static boolean isPythonSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }

  private static boolean hasSplitSpace(String token) {
    for (int k = 0; k < token.length(); k++) {
      if (isPythonSpace(token.charAt(k))) {
        return true;
      }
    }
    return false;
  }

  private static List<String> splitPython(String token) {
    List<String> parts = new ArrayList<>();
    int start = -1;
    for (int k = 0; k <= token.length(); k++) {
      boolean space = k == token.length() || isPythonSpace(token.charAt(k));
      if (space && start >= 0) {
        parts.add(token.substring(start, k));
        start = -1;
      } else if (!space && start < 0) {
        start = k;
      }
    }
    return parts;
  }
}

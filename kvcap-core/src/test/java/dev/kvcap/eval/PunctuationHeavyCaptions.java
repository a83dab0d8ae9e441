package dev.kvcap.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded generator of caption-like strings dense in the punctuation PTB tokenisation handles. */
final class PunctuationHeavyCaptions {

  private static final String[] WORDS = {
    "a", "A", "the", "The", "man", "Man", "dog", "dogs", "cat", "people", "woman", "women",
    "sitting", "on", "of", "in", "with", "bus", "Train", "street", "sign", "pizza", "plate",
    "close-up", "black-and-white", "t-shirt", "9-year-old", "3-4", "x-ray", "New", "York",
    "Bigelow", "D", "I", "X", "U.S.", "e.g.", "it", "its", "there", "two", "TV", "USA",
    "1", "2", "10", "22", "100", "1,000", "3.5", "5:30", "2nd", "1990s", "4x4", "sq", "no",
    "don't", "can't", "won't", "isn't", "it's", "men's", "boys'", "dog's", "I'm", "they're",
    "we've", "he'd", "you'll", "cannot", "gonna", "O'Brien", "o'clock", "rock", "'n'", "roll",
    "St", "Mr", "Dr", "Ave", "Co", "Inc", "etc", "vs", "beige/white", "table/desk", "AT&T",
    "pickup/drop", "1/2", "Reel", "Big", "Fish", "hi", "ok", "yes", "Why", "what"
  };
  private static final String[] LEADS = {"", "", "", "", "\"", "'", "(", "[", "{", "`", "``"};
  private static final String[] TRAILS = {
    "", "", "", "", "", ".", ".", ",", ",", ";", ":", "!", "?", "?!", "!!", "...", "..", "\"",
    "'", ")", "]", "}", ".\"", ",\"", ".)", "/", "-"
  };
  private static final String[] STANDALONE = {
    "-", "--", "&", "/", "#", "#5", "$5", "50%", "2 1/2", "22 3/4", "...", "\"", "'", "(", ")",
    ";", ":", "*", "+", "=", "$", "%", "--"
  };
  private static final String[] SPACES = {" ", " ", " ", " ", " ", "  ", "\t", "\n", " \n "};

  private PunctuationHeavyCaptions() {}

  /** {@code count} strings from a generator seeded with {@code seed}. */
  static List<String> generate(long seed, int count) {
    Random random = new Random(seed);
    List<String> out = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      StringBuilder sb = new StringBuilder();
      int parts = 1 + random.nextInt(12);
      for (int p = 0; p < parts; p++) {
        if (p > 0) {
          sb.append(pick(random, SPACES));
        }
        if (random.nextInt(8) == 0) {
          sb.append(pick(random, STANDALONE));
        } else {
          sb.append(pick(random, LEADS)).append(pick(random, WORDS)).append(pick(random, TRAILS));
        }
      }
      if (random.nextInt(4) == 0) {
        sb.append(pick(random, new String[] {".", " .", ". ", "!", "?", " ", "\n"}));
      }
      out.add(sb.toString());
    }
    return out;
  }

  private static String pick(Random random, String[] options) {
    return options[random.nextInt(options.length)];
  }
}

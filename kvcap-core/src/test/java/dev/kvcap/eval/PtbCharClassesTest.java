package dev.kvcap.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every BMP character (but the line ends) alone, inside a word, between digits and after a letter
 * tokenises as CoreNLP's does: this checks {@code ptb-chars.txt} and {@link PtbChars} as a whole.
 */
class PtbCharClassesTest {

  @Test
  void everyBmpCharacterInFourPlacesTokenizesAsCoreNlpDoes() {
    List<String> captions = new ArrayList<>();
    for (char c = 1; c < 0xFFFF; c++) {
      if (Character.isSurrogate(c) || c == '\n' || c == '\u0085'
          || PtbTokenizerDifferentialTest.LINE_BREAKS.indexOf(c) >= 0) {
        continue;
      }
      for (String place : List.of("C", "aCb", "1C2", "xC")) {
        captions.add(place.replace("C", String.valueOf(c)));
      }
    }
    List<PtbTokenizerDifferentialTest.Difference> found =
        PtbTokenizerDifferentialTest.differences(captions);
    assertEquals(0, found.size(), found.size() + " of " + captions.size() + " differ:"
        + found.subList(0, Math.min(10, found.size())));
  }
}

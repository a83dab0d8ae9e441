package dev.kvcap.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tokenisation exactly as the toolkit's PTBTokenizer run plus its punctuation filter. */
class PtbTokenizerTest {

  private static String joined(List<String> tokens) {
    return String.join(" ", tokens);
  }

  @Test
  void allFixtureTokenizerCasesMatchTheToolkit() {
    JsonArray cases = CocoFixture.load().expected.getAsJsonArray("tokenizer_cases");
    assertEquals(331, cases.size());
    List<String> raw = new ArrayList<>();
    for (JsonElement c : cases) {
      raw.add(c.getAsJsonObject().get("raw").getAsString());
    }
    List<List<String>> ours = PtbTokenizer.tokenizeAll(raw);
    for (int k = 0; k < cases.size(); k++) {
      assertEquals(cases.get(k).getAsJsonObject().get("tokenized").getAsString(),
          joined(ours.get(k)), "case " + k + ": " + raw.get(k));
    }
  }

  @Test
  void fixtureCandidatesAndReferencesTokenizeAsTheToolkitDid() {
    JsonObject tokenized = CocoFixture.load().expected.getAsJsonObject("tokenized");
    int checked = 0;
    for (String part : List.of("candidates", "references")) {
      for (JsonElement e : tokenized.getAsJsonArray(part)) {
        JsonObject o = e.getAsJsonObject();
        assertEquals(o.get("tokenized").getAsString(),
            joined(PtbTokenizer.tokenize(o.get("raw").getAsString())), o.get("raw").getAsString());
        checked++;
      }
    }
    assertEquals(40, checked);
  }

  @Test
  void bracketsSurviveTheFilterBecauseLowerCasingComesFirst() {
    assertEquals("2 people -lrb- a man -rrb- -lsb- b -rsb- -lcb- c -rcb-",
        joined(PtbTokenizer.tokenize("2 people (a man) [b] {c}.")));
  }

  @Test
  void contractionsAndPossessivesSplitAsInThePennTreebank() {
    assertEquals("do n't ca n't it 's the men 's dogs the boys toys",
        joined(PtbTokenizer.tokenize("Don't can't, it's the men's dogs; the boys' toys!")));
  }

  @Test
  void anAtSignBeforeANonLetterIsATokenInsteadOfALoopThatNeverEnds() {
    assertEquals("a @ b @@ 5", joined(PtbTokenizer.tokenize("a @ b @@ 5")));
  }

  @Test
  void fractionsJoinWithANonBreakingSpace() {
    assertEquals("22\u00A03/4 st.", joined(PtbTokenizer.tokenize("22 3/4 St.")));
  }

  @Test
  void quotesAndPunctuationRunsAreDroppedButDoubledMarksAreNot() {
    assertEquals("a sign saying pub what ?!",
        joined(PtbTokenizer.tokenize("A sign saying, \"PUB\"... what?!")));
  }

  @Test
  void aOneLetterAbbreviationLosesItsPeriodOnlyBeforeASentenceStart() {
    List<List<String>> out =
        PtbTokenizer.tokenizeAll(List.of("8th Ave/CTH D.", "There is a room.", "cth D.", "Two"));
    assertEquals("8th ave/cth d", joined(out.get(0)));
    assertEquals("cth d.", joined(out.get(2)));
  }

  @Test
  void embeddedNewlinesAreSpaces() {
    assertEquals("a dog on a couch", joined(PtbTokenizer.tokenize("A dog\non a\n\ncouch.\n")));
  }

  @Test
  void anEmptyCaptionHasNoTokens() {
    assertEquals(List.of(), PtbTokenizer.tokenize(""));
    assertEquals(List.of(), PtbTokenizer.tokenize(" . , "));
  }
}

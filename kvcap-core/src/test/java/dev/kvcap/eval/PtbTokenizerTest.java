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
  void signsStartNumbersButATimeDoesNotTakeAHyphenatedNumber() {
    assertEquals("x -5 +5 -.5 8:00 -9:00 3-4", joined(PtbTokenizer.tokenize("x -5 +5 -.5 8:00-9:00 3-4")));
  }

  @Test
  void currencyIsRewrittenAsPtbDoes() {
    assertEquals("us$ 5 c$ 10 # 5 $ 10 5 cents $ 5.99",
        joined(PtbTokenizer.tokenize("US$5 C$10 £5 €10 5¢ $5.99")));
  }

  @Test
  void unicodeQuotesDashesAndTheEllipsisAreDroppedLikeTheirAsciiForms() {
    assertEquals("quoted a b c s do n't",
        joined(PtbTokenizer.tokenize("“quoted” a — b … c ‘s’ don’t")));
  }

  @Test
  void controlCharactersAndEmojiAreDeletedAsCoreNlpDeletesThem() {
    assertEquals("a b c d", joined(PtbTokenizer.tokenize("a\u0007b c 😀 \u200Bd 👍🏽")));
  }

  @Test
  void vulgarFractionsBecomeAsciiFractions() {
    assertEquals("1/2 cup 3/4", joined(PtbTokenizer.tokenize("½ cup ¾")));
  }

  @Test
  void aWordKeepsItsPeriodBeforeACommaAndDottedAbbreviationsEndingInOneLetterKeepTheirs() {
    assertEquals("a dog. and ph.d. b.sc", joined(PtbTokenizer.tokenize("a dog., and Ph.D. B.Sc.")));
  }

  @Test
  void urlsEmailAddressesTagsAndEmoticonsAreOneToken() {
    assertEquals("see http://x.org/a_b-c.html foo@bar.com <br/> <a\u00A0href=\"x\"> :-rrb- ;d ^_^ user_name",
        joined(PtbTokenizer.tokenize(
            "see http://x.org/a_b-c.html. foo@bar.com <br/> <a href=\"x\"> :) ;D ^_^ user_name")));
  }

  @Test
  void apostropheWordsFromPtbsListsStayWhole() {
    assertEquals("ma'am o'er l'eau 'em 'cause 't was", joined(PtbTokenizer.tokenize("ma'am o'er l'eau 'em 'cause 'twas")));
  }

  @Test
  void aLineBreakCharacterInsideACaptionIsASpaceNotANewCaption() {
    List<List<String>> out = PtbTokenizer.tokenizeAll(List.of("a\rb\u2028c", "d"));
    assertEquals("a b c", joined(out.get(0)));
    assertEquals("d", joined(out.get(1)));
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

package dev.kvcap.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** METEOR on cases whose value follows by hand from the METEOR 1.5 formulas. */
class MeteorTest {

  private static List<String> words(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split(" "));
  }

  private static double segment(String test, String reference) {
    return Meteor.segment(words(test), words(reference));
  }

  /** gamma * (chunks / matches)^beta. */
  private static double penalty(double chunks, double matches) {
    return Meteor.GAMMA * Math.pow(chunks / matches, Meteor.BETA);
  }

  @Test
  void anIdenticalCaptionScoresOneBecauseAPerfectMatchHasNoFragmentation() {
    assertEquals(1.0, segment("a man riding a horse on a beach", "a man riding a horse on a beach"),
        1e-12);
  }

  @Test
  void swappedWordsKeepFullPrecisionAndRecallButPayForTwoChunks() {
    // P = R = 1, 2 chunks over 2 matches
    assertEquals(1.0 - penalty(2, 2), segment("dog cat", "cat dog"), 1e-12);
  }

  @Test
  void oneContentWordOutOfTwoGivesAFifthAfterThePenalty() {
    // P = R = 0.5, Fmean = 0.5, 1 chunk over 1 match (not all words matched)
    assertEquals(0.5 * (1.0 - penalty(1, 1)), segment("dog runs", "dog sleeps"), 1e-12);
  }

  @Test
  void functionWordsCountAQuarterOfContentWords() {
    // lengths 0.75 + 0.25 = 1.0 each side; matched "dog" weighs 0.75
    assertEquals(0.75 * (1.0 - penalty(1, 1)), segment("the dog", "a dog"), 1e-12);
  }

  @Test
  void aStemMatchEarnsTheStemWeight() {
    assertEquals(Meteor.WEIGHTS[1], segment("dogs", "dog"), 1e-12);
    assertEquals(Meteor.WEIGHTS[1], segment("running", "runs"), 1e-12);
  }

  @Test
  void aWordNetSynonymEarnsTheSynonymWeight() {
    assertEquals(Meteor.WEIGHTS[2], segment("car", "automobile"), 1e-12);
    assertEquals(Meteor.WEIGHTS[2], segment("sofa", "couch"), 1e-12);
  }

  @Test
  void synonymsAreFoundThroughBaseFormsToo() {
    assertEquals(Meteor.WEIGHTS[2], segment("cars", "automobiles"), 1e-12);
  }

  @Test
  void unrelatedWordsScoreZero() {
    assertEquals(0.0, segment("dog", "table"), 0.0);
    assertEquals(0.0, segment("", "a dog"), 0.0);
  }

  @Test
  void exactMatchesWinOverSynonymsWhenBothArePossible() {
    // "couch" could align to "sofa" by synonym, but the exact match to "couch" is preferred
    assertEquals(1.0, segment("couch", "couch"), 1e-12);
    double withBoth = segment("sofa couch", "couch sofa");
    assertEquals(1.0 - penalty(2, 2), withBoth, 1e-12);
  }

  @Test
  void eachCaptionKeepsItsBestReference() {
    Meteor.Result r = Meteor.score(List.of(words("dog")),
        List.of(List.of(words("table"), words("dog"), words("dogs"))));
    assertEquals(1.0, r.perImage()[0], 1e-12);
  }

  @Test
  void theCorpusScoreComesFromSummedStatisticsNotTheMeanOfCaptions() {
    Meteor.Result r = Meteor.score(List.of(words("dog cat"), words("dog")),
        List.of(List.of(words("cat dog")), List.of(words("dog"))));
    assertEquals(1.0 - penalty(2, 2), r.perImage()[0], 1e-12);
    assertEquals(1.0, r.perImage()[1], 1e-12);
    // summed: 3 of 3 words matched both sides, but 3 chunks: frag = 3 / 3
    assertEquals(1.0 - penalty(3, 3), r.corpus(), 1e-12);
  }

  @Test
  void theFixtureCorpusScoresStrictlyBetweenZeroAndOne() {
    CocoFixture fixture = CocoFixture.load();
    Scores scores = CaptionMetrics.score(fixture.refs, fixture.results, EnumSet.of(Metric.METEOR));
    double meteor = scores.corpus().get("METEOR");
    assertTrue(meteor > 0.1 && meteor < 0.5, "METEOR " + meteor);
    for (var row : scores.perImage().values()) {
      double s = row.get("METEOR");
      assertTrue(s >= 0 && s <= 1, "per-image METEOR " + s);
    }
  }
}

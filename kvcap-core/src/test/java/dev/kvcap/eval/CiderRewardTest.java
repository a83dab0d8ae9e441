package dev.kvcap.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CiderRewardTest {

    private static final String[] WORDS = {"a", "red", "circle", "blue", "square", "big", "on", "the", "left"};

    private static int[] ids(String caption) {
        List<String> words = List.of(WORDS);
        return java.util.Arrays.stream(caption.split(" ")).mapToInt(words::indexOf).toArray();
    }

    private static final List<List<String>> REFS =
            List.of(
                    List.of("a red circle", "a big red circle on the left"),
                    List.of("a blue square", "a big blue square"),
                    List.of("a red square on the left", "a red square"));

    @Test
    void itScoresAsTheToolkitWhenTheFrequenciesComeFromTheSameReferences() {
        List<int[][]> refs = new ArrayList<>();
        for (List<String> r : REFS) {
            refs.add(r.stream().map(CiderRewardTest::ids).toArray(int[][]::new));
        }
        CiderReward reward = new CiderReward(refs, WORDS.length);
        String[] hyps = {"a red circle on the left", "a blue square", "a red circle"};
        Map<Long, List<String>> refMap = new LinkedHashMap<>();
        Map<Long, String> hypMap = new LinkedHashMap<>();
        double mean = 0;
        for (int d = 0; d < 3; d++) {
            refMap.put((long) d, REFS.get(d));
            hypMap.put((long) d, hyps[d]);
            mean += reward.score(d, ids(hyps[d])) / 3;
        }
        double toolkit = CaptionMetrics.score(refMap, hypMap, java.util.EnumSet.of(Metric.CIDER)).corpus().get("CIDEr");
        assertEquals(toolkit, mean, 1e-9);
    }

    @Test
    void aCandidateEqualToAllItsReferencesScoresTen() {
        List<int[][]> refs = List.of(new int[][] {ids("a red circle")}, new int[][] {ids("a blue square")});
        CiderReward reward = new CiderReward(refs, WORDS.length);
        // Identical vectors have cosine 1 in orders 1-3 and no length penalty; a three-word caption
        // has no 4-gram (cosine 0): 10 × 3/4. "a", in both documents, weighs 0 (idf log(2/2)).
        assertEquals(7.5, reward.score(0, ids("a red circle")), 1e-9);
        assertEquals(0.0, reward.score(0, ids("a blue square")), 1e-9);
    }

    @Test
    void pairwiseScoresEachCaptionAgainstEachOtherAsItsOnlyReference() {
        List<int[][]> refs = List.of(new int[][] {ids("a red circle")}, new int[][] {ids("a blue square")});
        CiderReward reward = new CiderReward(refs, WORDS.length);
        double[][] agree = reward.pairwise(List.of(ids("a red circle"), ids("a blue square"), ids("a red square")));
        assertEquals(reward.score(0, ids("a red circle")), agree[0][0], 1e-9, "against itself, as against a document of itself");
        assertEquals(7.5, agree[1][1], 1e-9);
        assertEquals(0.0, agree[0][1], 1e-9, "no shared word of any weight");
        // "a" weighs 0 (in both documents); every other n-gram log 2. Shared: the unigram "red" of
        // two weighted ones each (cosine 1/2) and the bigram "a red" of two (1/2); no trigram.
        assertEquals(10 * (0.5 + 0.5) / 4, agree[0][2], 1e-9);
        assertEquals(agree[0][2], agree[2][0], 1e-9, "symmetric for equal lengths");
    }

    @Test
    void wordsTheCorpusNeverSawMatchAcrossThePairwiseCaptions() {
        List<int[][]> refs = List.of(new int[][] {ids("a red circle")}, new int[][] {ids("a blue square")});
        CiderReward reward = new CiderReward(refs, WORDS.length + 2);
        int zebra = WORDS.length; // an id the corpus never used
        int yak = WORDS.length + 1;
        double[][] agree = reward.pairwise(List.of(new int[] {zebra, zebra}, new int[] {zebra, zebra}, new int[] {yak, yak}));
        assertEquals(agree[0][0], agree[0][1], 1e-9, "the unseen bigram matches too");
        assertTrue(agree[0][1] > 0);
        assertEquals(0.0, agree[0][2], 1e-9);
        assertEquals(agree[0][0], reward.pairwise(List.of(new int[] {zebra, zebra}, new int[] {zebra, zebra}))[0][1], 1e-9,
                "the corpus is left as it was");
    }

    @Test
    void pairwiseAgainstTheFirstCaptionsIsTheSquareTablesFirstColumns() {
        List<int[][]> refs = List.of(new int[][] {ids("a red circle")}, new int[][] {ids("a blue square")});
        CiderReward reward = new CiderReward(refs, WORDS.length);
        List<int[]> captions = List.of(ids("a red circle"), ids("a red square"), ids("red"), ids("big blue square on the left"));
        double[][] square = reward.pairwise(captions);
        double[][] first = reward.pairwise(captions, 2);
        assertEquals(4, first.length);
        for (int i = 0; i < 4; i++) {
            assertEquals(2, first[i].length);
            assertEquals(square[i][0], first[i][0], 0.0);
            assertEquals(square[i][1], first[i][1], 0.0);
        }
        assertTrue(first[2][0] > 0 && first[2][0] < first[0][0], "a shorter run of a caption agrees with it, less than itself");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> reward.pairwise(captions, 5));
    }

    @Test
    void thePairwiseTableEqualsScoringEachPairToTheLastBit() {
        java.util.Random rng = new java.util.Random(7);
        NgramCounts.Index index = new NgramCounts.Index(12);
        NgramCounts[][] corpus = new NgramCounts[30][];
        for (int d = 0; d < corpus.length; d++) {
            corpus[d] = new NgramCounts[] {index.count(randomCaption(rng, 10))};
        }
        double[][] logDf = CiderD.logDocumentFrequencies(corpus, index);
        CiderD.LogDf df = (k, id) -> id < logDf[k].length ? logDf[k][id] : 0.0;
        double refLen = Math.log(corpus.length);
        List<int[]> captions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            captions.add(randomCaption(rng, 14)); // ids 10..13 the corpus never saw
        }
        captions.add(new int[0]);
        NgramCounts[] counts = index.countTogether(captions);
        double[][] table = CiderD.pairwise(counts, 25, df, refLen);
        for (int i = 0; i < counts.length; i++) {
            for (int j = 0; j < 25; j++) {
                double one = CiderD.score(counts[i], new NgramCounts[] {counts[j]}, df, refLen);
                assertEquals(Double.doubleToLongBits(one), Double.doubleToLongBits(table[i][j]), i + ", " + j);
            }
        }
    }

    private static int[] randomCaption(java.util.Random rng, int words) {
        int[] c = new int[1 + rng.nextInt(7)];
        for (int i = 0; i < c.length; i++) {
            c[i] = rng.nextInt(words);
        }
        return c;
    }
}

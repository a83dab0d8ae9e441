package dev.kvcap.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.eval.CiderReward;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChoiceFitTest {

    /** A pool of entries with these captions, entry e's descriptor at angle e·0.1 from the first (so nearer entries come first). */
    private static ChoiceFit.Pool pool(List<List<String>> captions) {
        Map<String, Integer> words = new HashMap<>();
        List<List<List<String>>> tokens = new ArrayList<>();
        List<List<int[]>> ids = new ArrayList<>();
        List<int[][]> docs = new ArrayList<>();
        for (List<String> entry : captions) {
            List<List<String>> t = entry.stream().map(CaptionTokenizer::tokenize).toList();
            List<int[]> i = t.stream().map(c -> c.stream().mapToInt(w -> words.computeIfAbsent(w, k -> words.size())).toArray()).toList();
            tokens.add(t);
            ids.add(i);
            docs.add(i.toArray(int[][]::new));
        }
        float[] rows = new float[captions.size() * 2];
        for (int e = 0; e < captions.size(); e++) {
            rows[2 * e] = (float) Math.cos(0.1 * e);
            rows[2 * e + 1] = (float) Math.sin(0.1 * e);
        }
        return new ChoiceFit.Pool(rows, 2, tokens, ids, new CiderReward(docs, 1000));
    }

    @Test
    void aTrainingImageFindsNeitherItselfNorItsOwnItemAsANeighbour() {
        ChoiceFit.Pool pool = pool(List.of(
                List.of("account outline"), // the query
                List.of("account"), // its caption one word shorter: the same icon's other style
                List.of("account outline", "user outline"), // a caption in common: the same item
                List.of("account outline plus"), // one word longer
                List.of("account box"), // another item of the family: a fair neighbour
                List.of("bell")));
        assertEquals(List.of(4, 5), ChoiceFit.neighbours(pool, 0, 8, ChoiceFit.cosines(pool, 0)));
        assertEquals(List.of(4), ChoiceFit.neighbours(pool, 0, 1, ChoiceFit.cosines(pool, 0)), "the nearest first");
    }

    @Test
    void aCaptionSeveralNeighboursGiveCoversAllTheirWeight() {
        ChoiceFit.Pool pool = pool(List.of(
                List.of("query"),
                List.of("bell"), List.of("bell"), List.of("clock"))); // "bell" twice, "clock" once
        ChoiceFit.Example e = ChoiceFit.example(pool, 0, 3, 0, false, null); // power 0: the three images alike
        int coverage = ConsensusChoice.FEATURES.indexOf("coverage");
        assertEquals(2, e.candidates(), "each caption once");
        assertEquals(2.0 / 3, e.features()[0][coverage], 1e-9, "bell: two of the three images");
        assertEquals(1.0 / 3, e.features()[1][coverage], 1e-9, "clock: one");
    }

    @Test
    void theFitLearnsWhichKindOfHypothesisTurnsOutRight() {
        // in every example the hypothesis that agrees best is wrong, and the one-word one right
        Random r = new Random(5);
        List<ChoiceFit.Example> examples = new ArrayList<>();
        int f = ConsensusChoice.FEATURES.size();
        for (int e = 0; e < 40; e++) {
            double[][] x = new double[4][f];
            double[] scores = new double[4];
            for (int h = 0; h < 4; h++) {
                x[h][0] = 1 + r.nextDouble(); // gain
                x[h][3] = 1; // two words
            }
            x[0][0] = 3; // agrees best
            x[2][3] = 0;
            x[2][2] = 1; // one word
            scores[2] = 1;
            examples.add(new ChoiceFit.Example(x, scores, 4));
        }
        List<Double> w = ChoiceFit.fit(examples);
        assertEquals(f, w.size());
        assertTrue(w.get(2) > w.get(3), "one word weighs more than two: " + w);
        for (ChoiceFit.Example e : examples) {
            assertEquals(2, ChoiceFit.best(e.features(), w));
        }
    }

    @Test
    void aFittedChoiceNeverPicksAnEmptyHypothesisWhileAnotherHasWords() {
        double[][] features = {{0, 1}, {5, 0}, {1, 1}}; // the second is empty and would score best
        List<Double> w = List.of(1.0, 0.0);
        assertEquals(1, ChoiceFit.best(features, w));
        assertEquals(2, ChoiceFit.best(features, w, new int[] {1, 0, 2}));
        assertEquals(1, ChoiceFit.best(features, w, new int[] {0, 0, 0}), "all empty: the best of them");
    }

    @Test
    void aPoolWhereNoImageHasANeighbourOfAnotherItemFitsNothing() {
        ChoiceFit.Pool pool = pool(List.of(List.of("account outline"), List.of("account")));
        assertEquals(List.of(), ChoiceFit.fit(pool, 8, 12, true, 10, 1, (done, most) -> {}).weights());
    }

    @Test
    void fittingOnAPoolIsRepeatable() {
        List<List<String>> captions = new ArrayList<>();
        String[] family = {"arrow", "clipboard", "file", "bell"};
        String[] kind = {"up", "down", "check", "text", "alert", "plus"};
        for (String a : family) {
            for (String b : kind) {
                captions.add(List.of(a + " " + b + " outline", b + " " + a));
            }
        }
        ChoiceFit.Pool pool = pool(captions);
        List<Double> first = ChoiceFit.fit(pool, 6, 12, true, 20, 3, (done, most) -> {}).weights();
        assertEquals(ConsensusChoice.FEATURES.size(), first.size());
        assertEquals(first, ChoiceFit.fit(pool, 6, 12, true, 20, 3, (done, most) -> {}).weights());
        assertTrue(first.stream().allMatch(Double::isFinite), first.toString());
    }

    @Test
    void samplingStopsOnceTheHypothesesPassTheBound() {
        List<List<String>> captions = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            captions.add(List.of("icon" + i + " of the set", "set item" + i));
        }
        ChoiceFit.Pool pool = pool(captions);
        List<Integer> told = new ArrayList<>();
        ChoiceFit.Fitted bounded = ChoiceFit.fit(pool, WordMap.crossFitted(pool), 4, 12, true, 250, 1, 1, (done, most) -> told.add(done));
        assertEquals(100, bounded.images(), "one batch of images, then the bound");
        assertEquals(List.of(100), told);
        assertEquals(250, ChoiceFit.fit(pool, 4, 12, true, 250, 1, (done, most) -> {}).images());
    }
}

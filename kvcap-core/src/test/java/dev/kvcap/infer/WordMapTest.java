package dev.kvcap.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.eval.CiderReward;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WordMapTest {

    private final Map<String, Integer> words = new HashMap<>();

    /** A pool of images with these captions and unit descriptors. */
    private ChoiceFit.Pool pool(List<List<String>> captions, List<float[]> descriptors) {
        List<List<List<String>>> tokens = new ArrayList<>();
        List<List<int[]>> ids = new ArrayList<>();
        List<int[][]> docs = new ArrayList<>();
        for (List<String> entry : captions) {
            List<List<String>> t = entry.stream().map(CaptionTokenizer::tokenize).toList();
            List<int[]> i = t.stream().map(c -> c.stream().mapToInt(this::id).toArray()).toList();
            tokens.add(t);
            ids.add(i);
            docs.add(i.toArray(int[][]::new));
        }
        int d = descriptors.get(0).length;
        float[] rows = new float[captions.size() * d];
        for (int e = 0; e < captions.size(); e++) {
            System.arraycopy(descriptors.get(e), 0, rows, e * d, d);
        }
        return new ChoiceFit.Pool(rows, d, tokens, ids, new CiderReward(docs, 1000));
    }

    private int id(String word) {
        return words.computeIfAbsent(word, k -> words.size());
    }

    private static float[] at(double angle) {
        return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
    }

    /** Arrows point one way (angles near 0), bells the other (near π/2), ten items of each. */
    private ChoiceFit.Pool arrowsAndBells() {
        List<List<String>> captions = new ArrayList<>();
        List<float[]> descriptors = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            captions.add(List.of("an arrow " + i, "arrow number " + i));
            descriptors.add(at(0.02 * i));
            captions.add(List.of("a bell b" + i));
            descriptors.add(at(Math.PI / 2 - 0.02 * i));
        }
        return pool(captions, descriptors);
    }

    @Test
    void anImageLikeTheArrowsPredictsArrowAndNotBell() {
        WordMap map = WordMap.of(arrowsAndBells());
        WordMap.Shares arrowLike = map.shares(at(0.05));
        WordMap.Shares bellLike = map.shares(at(Math.PI / 2 - 0.05));
        assertTrue(arrowLike.share(id("arrow")) > 0.5, "every arrow's captions say arrow: " + arrowLike.share(id("arrow")));
        assertTrue(arrowLike.share(id("arrow")) > arrowLike.share(id("bell")) + 0.5);
        assertTrue(bellLike.share(id("bell")) > bellLike.share(id("arrow")) + 0.5);
        assertEquals(0.5, arrowLike.share(id("number")), 0.2, "one caption of two says number");
    }

    @Test
    void stopWordsAreNotScoredAndWordsOfOneImageOrNoneAreZero() {
        WordMap map = WordMap.of(arrowsAndBells());
        WordMap.Shares shares = map.shares(at(0.05));
        assertTrue(Double.isNaN(shares.share(id("an"))), "a stop word is no content word");
        assertEquals(0, shares.share(id("3")), "a word of one image's captions is not learned");
        assertEquals(0, shares.share(id("never-seen")));
    }

    @Test
    void aCrossFittedMapPredictsEachImageWithoutItsOwnItem() {
        List<List<String>> captions = new ArrayList<>();
        List<float[]> descriptors = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            captions.add(List.of("arrow " + i));
            descriptors.add(new float[] {(float) Math.cos(0.05 * i), (float) Math.sin(0.05 * i), 0});
        }
        // one item in two images (they share a caption), drawn unlike the arrows: the only ones that say "gavel"
        captions.add(List.of("gavel", "judge hammer"));
        descriptors.add(new float[] {0, 0, 1});
        captions.add(List.of("gavel outline", "judge hammer"));
        descriptors.add(new float[] {0, 0.1f, 0.99f});
        ChoiceFit.Pool pool = pool(captions, descriptors);
        int[] folds = WordMap.folds(pool);
        assertEquals(folds[12], folds[13], "an item goes whole into one fold");
        WordMap crossFitted = WordMap.crossFitted(pool);
        assertEquals(0, crossFitted.sharesOf(pool, 12).share(id("gavel")), 1e-6, "no other item says gavel");
        assertTrue(WordMap.of(pool).shares(new float[] {0, 0, 1}).share(id("gavel")) > 0.3, "fitted on every image, it is learned");
        assertTrue(crossFitted.sharesOf(pool, 5).share(id("arrow")) > 0.5, "the arrows' word comes from the other arrows");
    }

    @Test
    void theRidgeSolveInvertsThePenalisedGram() {
        double[] gram = {4, 1, 0, 1, 3, 1, 0, 1, 2};
        double[] leftOut = {1, 0, 0, 0, 1, 0, 0, 0, 0};
        double[] x = {1, 2, 3};
        double[] z = WordMap.solve(WordMap.cholesky(gram, leftOut, 3), x, 3);
        double[] back = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                back[i] += (gram[i * 3 + j] - leftOut[i * 3 + j] + (i == j ? WordMap.LAMBDA : 0)) * z[j];
            }
        }
        assertArrayEquals(x, back, 1e-9);
        assertNotEquals(0, z[0]);
    }

    @Test
    void aPoolOfMoreThanMaxImagesIsFittedOnEveryKthImage() {
        List<List<String>> all = new ArrayList<>();
        List<float[]> allDescriptors = new ArrayList<>();
        List<List<String>> everyOther = new ArrayList<>();
        List<float[]> everyOtherDescriptors = new ArrayList<>();
        for (int e = 0; e <= WordMap.MAX_IMAGES; e++) { // one more than the most: every second image
            boolean arrow = e % 4 == 0 || e % 4 == 3;
            List<String> caption = List.of(arrow ? "arrow" : "a bell");
            float[] descriptor = at((arrow ? 0 : Math.PI / 2) + 1e-5 * (e % 97));
            all.add(caption);
            allDescriptors.add(descriptor);
            if (e % 2 == 0) {
                everyOther.add(caption);
                everyOtherDescriptors.add(descriptor);
            }
        }
        WordMap.Shares sampled = WordMap.of(pool(all, allDescriptors)).shares(at(0.1));
        WordMap.Shares half = WordMap.of(pool(everyOther, everyOtherDescriptors)).shares(at(0.1));
        assertEquals(half.share(id("arrow")), sampled.share(id("arrow")), 1e-12);
        assertEquals(half.share(id("bell")), sampled.share(id("bell")), 1e-12);
        assertTrue(sampled.share(id("arrow")) > sampled.share(id("bell")) + 0.5);
    }

    @Test
    void aCrossFittedMapChoosesWithTheSameMapOfEveryImageAsOneFittedAlone() {
        ChoiceFit.Pool pool = arrowsAndBells();
        WordMap.Shares alone = WordMap.of(pool).shares(at(0.3));
        WordMap.Shares crossFitted = WordMap.crossFitted(pool).shares(at(0.3));
        for (String word : List.of("arrow", "bell", "number", "an")) {
            assertEquals(alone.share(id(word)), crossFitted.share(id(word)), 0.0, word);
        }
    }
}

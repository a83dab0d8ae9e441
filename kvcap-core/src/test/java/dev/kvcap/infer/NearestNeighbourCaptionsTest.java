package dev.kvcap.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NearestNeighbourCaptionsTest {

    private static final List<float[]> POINTS =
            List.of(new float[] {0, 0}, new float[] {10, 0}, new float[] {0, 10}, new float[] {10, 10});

    private static final List<List<String>> CAPTIONS =
            List.of(
                    List.of("a red circle", "a red ball", "a round red circle"),
                    List.of("a blue square"),
                    List.of("a green triangle"),
                    List.of("a yellow star"));

    @Test
    void nearestImagesComeNearestFirst() {
        NearestNeighbourCaptions nn = new NearestNeighbourCaptions(POINTS, CAPTIONS);
        assertArrayEquals(new int[] {1, 3, 0}, nn.nearest(new float[] {9, 4}, 3));
        assertArrayEquals(new int[] {0, 1, 2, 3}, nn.nearest(new float[] {5, 5}, 10)); // ties: earlier first
    }

    @Test
    void anImageGetsTheConsensusCaptionOfItsNearestNeighbour() {
        NearestNeighbourCaptions nn = new NearestNeighbourCaptions(POINTS, CAPTIONS);
        List<String> out = nn.caption(List.of(new float[] {1, 1}, new float[] {9, 1}), 1);
        // "a red circle" shares n-grams with both others; "a red ball" and "a round red circle" with one each
        assertEquals(List.of("a red circle", "a blue square"), out);
    }

    @Test
    void consensusPoolsTheCaptionsOfKNeighbours() {
        List<List<String>> caps =
                List.of(List.of("a dog on grass"), List.of("a cat on a sofa"), List.of("a dog on a sofa"));
        List<float[]> pts = List.of(new float[] {0}, new float[] {1}, new float[] {2});
        NearestNeighbourCaptions nn = new NearestNeighbourCaptions(pts, caps);
        assertEquals(List.of("a dog on grass"), nn.caption(List.of(new float[] {0}), 1));
        // among all three, the caption that shares most with the others wins
        assertEquals(List.of("a dog on a sofa"), nn.caption(List.of(new float[] {0}), 3));
    }

    @Test
    void weighedBySimilarityANearImagesCaptionOutweighsFartherOnesThatAgree() {
        List<List<String>> caps = List.of(List.of("a red circle"), List.of("a blue square"), List.of("a blue square on grass"));
        List<float[]> pts = List.of(new float[] {1, 0}, new float[] {0.6f, 0.8f}, new float[] {0.6f, 0.8f}); // cosines 1, 0.6, 0.6
        NearestNeighbourCaptions nn = new NearestNeighbourCaptions(pts, caps);
        float[] query = {1, 0};
        assertEquals(List.of("a blue square"), nn.caption(List.of(query), 3), "alike: the two that agree win");
        assertEquals(List.of("a blue square"), nn.caption(List.of(query), 3, 0), "power 0 is the plain consensus");
        assertEquals(List.of("a red circle"), nn.caption(List.of(query), 3, 12), "0.6^12: the nearest image's caption wins");
        assertThrows(IllegalArgumentException.class, () -> nn.caption(List.of(query), 3, -1));
    }

    @Test
    void aFittedChoiceWeighsACaptionAsManyTimesAsItsNeighboursGiveIt() {
        // the nearest says "a red circle"; two farther images both say "a blue square"
        List<List<String>> caps = List.of(List.of("a red circle"), List.of("a blue square"), List.of("a blue square"));
        List<float[]> pts = List.of(new float[] {1, 0}, new float[] {0.8f, 0.6f}, new float[] {0.8f, 0.6f}); // cosines 1, 0.8, 0.8
        NearestNeighbourCaptions nn = new NearestNeighbourCaptions(pts, caps);
        float[] query = {1, 0};
        List<Double> agreementOnly = new java.util.ArrayList<>(java.util.Collections.nCopies(ConsensusChoice.FEATURES.size(), 0.0));
        agreementOnly.set(0, 1.0);
        assertEquals(List.of("a blue square"), nn.caption(List.of(query), 3, 1), "by agreement: 0.8 + 0.8 against 1");
        assertEquals(List.of("a blue square"), nn.caption(List.of(query), 3, 1, false, agreementOnly),
                "fitted, each caption once, still weighing both of its images");
    }

    @Test
    void mismatchedInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new NearestNeighbourCaptions(POINTS, CAPTIONS.subList(0, 2)));
        NearestNeighbourCaptions nn = new NearestNeighbourCaptions(POINTS, CAPTIONS);
        assertThrows(IllegalArgumentException.class, () -> nn.caption(List.of(new float[] {1, 2, 3}), 1));
        assertThrows(IllegalArgumentException.class, () -> nn.caption(List.of(new float[] {1, 2}), 0));
    }

    @Test
    void withSpansTheWordsTheNeighboursShareCanBeTheCaption() {
        List<float[]> features = new java.util.ArrayList<>();
        List<List<String>> captions = new java.util.ArrayList<>();
        for (int i = 0; i < RetrievalModels.CLIPBOARDS_AND_BELLS.size(); i++) { // the bells far away
            features.add(i < 20 ? new float[] {1, 0.01f * i} : new float[] {-1, 0.01f * i});
            captions.add(List.of(RetrievalModels.CLIPBOARDS_AND_BELLS.get(i)));
        }
        NearestNeighbourCaptions nn = new NearestNeighbourCaptions(features, captions);
        float[] query = {1, 0.05f};
        assertTrue(nn.caption(List.of(query), 20, 0).get(0).startsWith("clipboard item"), "without spans: a whole caption");
        assertEquals(List.of("clipboard"), nn.caption(List.of(query), 20, 0, true), "equal weights: the shared word");
        assertEquals(List.of("clipboard"), nn.caption(List.of(query), 20, 1, true), "weighed by similarity too");
    }
}

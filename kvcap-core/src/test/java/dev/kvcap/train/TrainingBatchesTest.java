package dev.kvcap.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kvcap.data.CiderWords;
import dev.kvcap.data.Vocabulary;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingBatchesTest {

    private static List<List<String>> image(String... captions) {
        return Arrays.stream(captions).map(c -> List.of(c.split(" "))).toList();
    }

    @Test
    void theCentralCaptionIsTheOneThatSharesMostWithTheImagesOtherCaptions() {
        List<List<List<String>>> captions = List.of(
                image("clock", "4 oclock", "clock hour 4", "time"), // "clock hour 4" shares a word with two others
                image("bell", "ring"), // nothing shared: the first
                image("alarm"), // one caption: that one
                image("arrow up", "up", "arrow", "direction"));
        // "clock" alone is in the vocabulary: the others are words it lacks, each with an id of its own
        CiderWords words = new CiderWords(Vocabulary.build(List.of(List.of("clock"), List.of("clock")), 2));
        assertArrayEquals(new int[] {2, 0, 0, 0}, TrainingBatches.central(captions, words));
    }

    @Test
    void withATargetEveryDrawGivesIt() {
        int[][] first = {{1, 5, 2}, {1, 6, 2}, {1, 7, 2}};
        int[][] second = {{1, 8, 2}, {1, 9, 2}};
        TrainingBatches central = new TrainingBatches(List.of(), null, List.of(first, second), 8, new int[] {2, 1});
        TrainingBatches drawn = new TrainingBatches(List.of(), null, List.of(first, second), 8);
        Random rng = new Random(3);
        int[] order = {0, 1};
        for (int round = 0; round < 5; round++) {
            assertEquals(List.of(first[2], second[1]), central.captions(order, 0, 2, rng));
        }
        long seen = java.util.stream.IntStream.range(0, 50)
                .mapToObj(r -> Arrays.toString(drawn.captions(order, 0, 1, rng).get(0))).distinct().count();
        assertEquals(3, seen, "without a target, every caption is drawn in time");
    }
}

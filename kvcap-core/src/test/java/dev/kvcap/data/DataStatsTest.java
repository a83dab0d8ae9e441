package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataStatsTest {

    @Test
    void summarisesLengthsAndUnknownWords() {
        CaptionSet set =
                new CaptionSet(
                        "t",
                        List.of(
                                new CaptionedImage(1, Path.of("a"), List.of("a dog", "a big dog")),
                                new CaptionedImage(2, Path.of("b"), List.of("a cat sat down")),
                                new CaptionedImage(3, Path.of("c"), List.of())));
        Vocabulary vocab = Vocabulary.build(set.tokenizedCaptions(), 2); // a, dog
        DataStats stats = DataStats.of(set, vocab);
        assertEquals(3, stats.images());
        assertEquals(2, stats.imagesWithCaptions());
        assertEquals(3, stats.captions());
        assertEquals(3.0, stats.meanTokens(), 1e-9);
        assertEquals(4, stats.maxTokens());
        assertEquals(4, stats.p95Tokens());
        assertEquals(4.0 / 9, stats.unknownRate(), 1e-9); // big, cat, sat, down
        assertTrue(stats.toString().contains("3 captions"), stats.toString());
        assertEquals(0, DataStats.of(new CaptionSet("e", List.of()), null).maxTokens());
    }
}

package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

class VocabularyTest {

    private static final List<List<String>> CAPTIONS =
            List.of(
                            "a dog on the grass",
                            "a dog and a cat",
                            "the cat sleeps",
                            "a red ball",
                            "zebra")
                    .stream()
                    .map(CaptionTokenizer::tokenize)
                    .collect(Collectors.toList());

    @Test
    void specialTokensComeFirst() {
        Vocabulary v = Vocabulary.build(CAPTIONS, 1);
        assertEquals(List.of("<pad>", "<start>", "<end>", "<unk>"), v.words().subList(0, 4));
        assertEquals(Vocabulary.PAD_ID, v.id("<pad>"));
        assertEquals(Vocabulary.END_ID, v.id("<end>"));
    }

    @Test
    void wordsAreOrderedByCountThenAlphabetically() {
        Vocabulary v = Vocabulary.build(CAPTIONS, 1);
        // a=4, cat=2, dog=2, the=2, then singletons alphabetically
        assertEquals(List.of("a", "cat", "dog", "the", "and", "ball"), v.words().subList(4, 10));
        assertEquals(4, v.count(v.id("a")));
    }

    @Test
    void minCountDropsRareWordsToUnknown() {
        Vocabulary v = Vocabulary.build(CAPTIONS, 2);
        assertEquals(4 + 4, v.size());
        assertFalse(v.contains("zebra"));
        assertEquals(Vocabulary.UNK_ID, v.id("zebra"));
        assertEquals(2, v.minCount());
    }

    @Test
    void encodeDecodeRoundTrips() {
        Vocabulary v = Vocabulary.build(CAPTIONS, 1);
        List<String> tokens = CaptionTokenizer.tokenize("a cat and a dog");
        int[] ids = v.encode(tokens, 16);
        assertEquals(Vocabulary.START_ID, ids[0]);
        assertEquals(Vocabulary.END_ID, ids[ids.length - 1]);
        assertEquals(tokens.size() + 2, ids.length);
        assertEquals(tokens, v.decode(ids));
    }

    @Test
    void encodeTruncatesButAlwaysEndsWithEnd() {
        Vocabulary v = Vocabulary.build(CAPTIONS, 1);
        int[] ids = v.encode(CaptionTokenizer.tokenize("a dog ".repeat(100)), 5);
        assertEquals(7, ids.length);
        assertEquals(Vocabulary.END_ID, ids[6]);
        assertArrayEquals(new int[] {1, 2}, v.encode(List.of(), 5));
        assertArrayEquals(new int[] {1, 2}, v.encode(List.of("dog"), 0));
    }

    @Test
    void decodeStopsAtEndAndSkipsPadding() {
        Vocabulary v = Vocabulary.build(CAPTIONS, 1);
        int dog = v.id("dog");
        assertEquals(
                List.of("dog", "<unk>"),
                v.decode(new int[] {1, dog, 0, Vocabulary.UNK_ID, 2, dog, dog}));
        assertEquals(List.of("<unk>"), v.decode(new int[] {9999}));
    }

    @Test
    void frequentContentWordsSkipStopWords() {
        Vocabulary v = Vocabulary.build(CAPTIONS, 1);
        List<String> words =
                v.frequentContentWords(3).stream().map(v::word).collect(Collectors.toList());
        assertEquals(List.of("cat", "dog", "ball"), words);
        assertEquals(v.size() - 4 - 4, v.frequentContentWords(1000).size()); // a, the, and, on
    }

    @Test
    void jsonRoundTripKeepsIdsAndCounts(@TempDir Path dir) throws Exception {
        Vocabulary v = Vocabulary.build(CAPTIONS, 1);
        assertEquals(v, Vocabulary.fromJson(v.toJson()));
        Path file = dir.resolve("sub/vocab.json");
        v.save(file);
        Vocabulary back = Vocabulary.load(file);
        assertEquals(v, back);
        assertEquals(v.id("zebra"), back.id("zebra"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temp file left behind");
        }
    }

    @Test
    void malformedVocabularyJsonIsAOneLineError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vocab.json");
        Files.writeString(file, "{\"version\":1,\n\"words\":[\"a\" \"b\"]}");
        DataException e = assertThrows(DataException.class, () -> Vocabulary.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertThrows(DataException.class, () -> Vocabulary.load(dir.resolve("missing.json")));
    }
}

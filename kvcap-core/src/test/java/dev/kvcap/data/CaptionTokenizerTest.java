package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

class CaptionTokenizerTest {

    @Test
    void lowercasesAndDropsPunctuation() {
        assertEquals(
                List.of("a", "man", "riding", "a", "horse", "on", "the", "beach"),
                CaptionTokenizer.tokenize("A man, riding a horse on the BEACH!!"));
    }

    @Test
    void emptyAndBlankCaptionsGiveNoTokens() {
        assertTrue(CaptionTokenizer.tokenize("").isEmpty());
        assertTrue(CaptionTokenizer.tokenize("   \t\n").isEmpty());
        assertTrue(CaptionTokenizer.tokenize(null).isEmpty());
        assertTrue(CaptionTokenizer.tokenize("?! ... ,").isEmpty());
    }

    @Test
    void splitsPossessivesAndNegationsTreebankStyle() {
        assertEquals(
                List.of("the", "man", "'s", "hat"), CaptionTokenizer.tokenize("The man's hat"));
        assertEquals(
                List.of("it", "does", "n't", "fit"), CaptionTokenizer.tokenize("It doesn't fit"));
        assertEquals(
                List.of("the", "man", "'s", "hat"),
                CaptionTokenizer.tokenize("the man\u2019s hat"));
    }

    @Test
    void keepsHyphenatedWordsAndDecimalNumbers() {
        assertEquals(
                List.of("a", "t-shirt", "costs", "3.50", "at", "o'clock"),
                CaptionTokenizer.tokenize("A t-shirt costs 3.50 at o'clock."));
    }

    @Test
    void unicodeIsNormalisedAndKept() {
        // Full-width letters become ASCII under NFKC; accented words survive lower-casing.
        assertEquals(
                List.of("cafe", "café", "straße"),
                CaptionTokenizer.tokenize("ＣＡＦＥ Café STRASSE".replace("STRASSE", "Straße")));
        assertEquals(List.of("一只猫"), CaptionTokenizer.tokenize("一只猫。"));
    }

    @Test
    void veryLongCaptionsAreTokenizedWhole() {
        String caption = "dog ".repeat(10_000);
        assertEquals(10_000, CaptionTokenizer.tokenize(caption).size());
    }
}

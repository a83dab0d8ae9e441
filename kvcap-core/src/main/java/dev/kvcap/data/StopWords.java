package dev.kvcap.data;

import java.util.Set;

/**
 * A small English stop-word list: function words that say nothing about an image. Used to pick the
 * "key words" that initialise the memory keys ({@link Vocabulary#frequentContentWords}). Clitics
 * such as {@code 's} count as stop words.
 */
public final class StopWords {

    private static final Set<String> WORDS =
            Set.of(
                    "a", "an", "the", "of", "on", "in", "is", "are", "was", "were", "be", "been",
                    "being", "and", "or", "but", "to", "with", "at", "by", "for", "from", "into",
                    "onto", "as", "it", "its", "this", "that", "these", "those", "there", "their",
                    "they", "them", "he", "she", "his", "her", "him", "some", "has", "have", "had",
                    "while", "very", "other", "each", "another", "who", "which", "what", "do",
                    "does", "'s", "'re", "'ve", "'ll", "'d", "'m", "n't");

    private StopWords() {}

    /** True for a lower-case stop word. */
    public static boolean contains(String word) {
        return WORDS.contains(word);
    }
}

package dev.kvcap.bank;

/**
 * One retrieved neighbour.
 *
 * @param word the stored value (word id)
 * @param phrase the stored phrase, or null
 * @param distance squared Euclidean distance ‖query − key‖² (what kNN-LM feeds to exp(−d/T))
 * @param source who wrote the entry
 * @param caption the whole caption the entry was taught, or null ({@link Entry#caption})
 */
public record Hit(int word, String phrase, float distance, String source, String caption) {

    /** A hit without a caption. */
    public Hit(int word, String phrase, float distance, String source) {
        this(word, phrase, distance, source, null);
    }
}

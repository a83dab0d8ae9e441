package dev.kvcap.bank;

/**
 * One retrieved neighbour.
 *
 * @param word the stored value (word id)
 * @param phrase the stored phrase, or null
 * @param distance squared Euclidean distance ‖query − key‖² (what kNN-LM feeds to exp(−d/T))
 * @param source who wrote the entry
 */
public record Hit(int word, String phrase, float distance, String source) {}

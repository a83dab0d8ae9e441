package dev.kvcap.bank;

/**
 * The nearest entries to one query, nearest first, reduced to what kNN-LM decoding reads: each
 * one's word id and squared distance. {@link MemoryBank#nearest} fills it from the HNSW graph and
 * the word's doc values without reading stored fields; {@link Hit} carries the rest.
 *
 * @param words the entries' word ids
 * @param distances squared Euclidean distances ‖query − key‖², ascending
 * @param contexts the entries' contexts ({@link Entry#context}), {@link Entry#NO_CONTEXT} where none
 */
public record Neighbours(int[] words, float[] distances, long[] contexts) {

    public static final Neighbours NONE = new Neighbours(new int[0], new float[0], new long[0]);

    public int size() {
        return words.length;
    }
}

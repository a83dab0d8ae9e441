package dev.kvcap.infer;

import java.util.List;

/**
 * A source of remembered next words (the persistent memory bank), consulted at every decoding
 * step with the decoder's states as keys. Its distribution is interpolated with the model's
 * (kNN-LM): p(w) = (1 − λ)·p_model(w) + λ·p_bank(w), with λ chosen per lookup (how much the bank
 * is trusted for that state).
 */
public interface Retrieval {

    /**
     * For each key, the remembered next words and their probabilities (summing to 1), or an empty
     * distribution when nothing near is remembered.
     *
     * @param keys decoder states h2, one row per caption being decoded
     * @param contexts per row, the two words the state has just read ({@code Entry.context}), or
     *     null when unknown: a source may count only what it remembered after the same two words
     */
    List<WordDistribution> lookup(float[][] keys, long[] contexts);

    /**
     * A step whose most likely word already has at least this probability under the model is not
     * looked up (1 = always look up). Lookups are the cost of retrieval; confident steps rarely
     * change.
     */
    default float confidentAbove() {
        return 1f;
    }

    /**
     * How the decoder takes in what is found: {@link Read#INTERPOLATE} mixes it into the word
     * distribution (kNN-LM, the default); {@link Read#SLOTS} gives it a share λ of the key-value
     * memory's read instead, on the slots of the remembered words, and recomputes the step.
     */
    default Read read() {
        return Read.INTERPOLATE;
    }

    /** The two ways of reading the bank compared in docs/MEMORY-BANK.md. */
    enum Read {
        /** p(w) = (1 − λ)·p_model(w) + λ·p_bank(w). */
        INTERPOLATE,
        /**
         * The memory reads with (1 − λ)·w + λ·p_bank over the slots (slot k stands for the k-th
         * most frequent content word); the step is then run again with that read. Experimental.
         */
        SLOTS
    }

    /**
     * A sparse distribution over word ids and the weight λ ∈ [0, 1] it gets against the model's.
     */
    record WordDistribution(int[] words, float[] probs, float weight) {

        public static final WordDistribution EMPTY = new WordDistribution(new int[0], new float[0], 0f);

        public boolean isEmpty() {
            return words.length == 0 || weight <= 0f;
        }
    }
}

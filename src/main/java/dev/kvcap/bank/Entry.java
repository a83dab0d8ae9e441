package dev.kvcap.bank;

/**
 * One (key, value) pair to store.
 *
 * @param key the key vector, length = the bank's dim, finite values (e.g. the decoder state h2
 *     before the word)
 * @param word the value: a word id of the model's vocabulary (≥ 0)
 * @param phrase optional phrase the pair stands for (null when none)
 * @param source who wrote it, for inspection and {@link MemoryBank#removeSource}: {@code
 *     "train:12345"}, {@code "remember:<sha1 of image bytes>"}, {@code "teach:<sha1>"}
 */
public record Entry(float[] key, int word, String phrase, String source) {

    public Entry {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("memory entry needs a non-empty key vector");
        }
        if (word < 0) {
            throw new IllegalArgumentException("memory entry word id must be ≥ 0, got " + word);
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("memory entry needs a source (e.g. \"train:123\")");
        }
        for (float v : key) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("memory entry key has a non-finite value (" + v + ") from " + source);
            }
        }
    }

    /** An entry without a phrase. */
    public Entry(float[] key, int word, String source) {
        this(key, word, null, source);
    }
}

package dev.kvcap.bank;

/**
 * One (key, value) pair to store.
 *
 * @param key the key vector, length = the bank's dim, finite values (e.g. the decoder state h2
 *     before the word)
 * @param word the value: a word id of the model's vocabulary (≥ 0)
 * @param phrase optional phrase the pair stands for (null when none)
 * @param source who wrote it, for inspection and {@link MemoryBank#removeSource}: {@code
 *     "train:12345"}, {@code "remember:<sha1 of image bytes>[:<caption hash>]"}, {@code
 *     "teach:<sha1>[:<caption hash>]"} (the caption's hash since each caption is stored once per image;
 *     see {@code infer.MemoryWriter#store})
 * @param context the two words read before the state, as {@link #context(int, int)}, or {@link
 *     #NO_CONTEXT}; decoding only counts entries whose context equals its own (docs/MEMORY-BANK.md)
 * @param caption the whole caption, tokenized and joined by spaces, or null: a retrieval memory's
 *     entries keep it (since 2026-12-06) so that {@code --rerank} can choose it; the phrase holds
 *     only its key words
 */
public record Entry(float[] key, int word, String phrase, String source, long context, String caption) {

    /** An entry that matches any context (banks written before contexts existed read this way). */
    public static final long NO_CONTEXT = -1L;

    /** The context of a state that has read {@code before} and then {@code last} (word ids ≥ 0). */
    public static long context(int before, int last) {
        if (before < 0 || last < 0) {
            throw new IllegalArgumentException("context word ids must be ≥ 0");
        }
        return ((long) before << 32) | last;
    }

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

    /** An entry without a caption. */
    public Entry(float[] key, int word, String phrase, String source, long context) {
        this(key, word, phrase, source, context, null);
    }

    /** An entry without a context. */
    public Entry(float[] key, int word, String phrase, String source) {
        this(key, word, phrase, source, NO_CONTEXT);
    }

    /** An entry without a phrase or context. */
    public Entry(float[] key, int word, String source) {
        this(key, word, null, source, NO_CONTEXT);
    }
}

package dev.kvcap.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Word ↔ id mapping built from tokenized training captions, with the counts it was built from.
 *
 * <p>Ids 0..3 are the special tokens {@code <pad>}, {@code <start>}, {@code <end>}, {@code <unk>};
 * words follow by count descending, ties alphabetically, so the same captions always give the same
 * ids. Immutable and thread-safe.
 *
 * <p>JSON form ({@link #toJson()}, {@link #save(Path)}): {@code {"version":1,"minCount":N,
 * "words":[...],"counts":[...]}} where {@code words[i]} is the word with id {@code i} (specials
 * included, with count 0).
 */
public final class Vocabulary {

    public static final String PAD = "<pad>";
    public static final String START = "<start>";
    public static final String END = "<end>";
    public static final String UNK = "<unk>";
    public static final int PAD_ID = 0;
    public static final int START_ID = 1;
    public static final int END_ID = 2;
    public static final int UNK_ID = 3;

    /** Number of special tokens; the first real word has this id. */
    public static final int SPECIALS = 4;

    private static final int FORMAT_VERSION = 1;

    private final List<String> words;
    private final long[] counts;
    private final int minCount;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> words, long[] counts, int minCount) {
        this.words = List.copyOf(words);
        this.counts = counts.clone();
        this.minCount = minCount;
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < this.words.size(); i++) {
            if (map.put(this.words.get(i), i) != null) {
                throw new DataException("vocabulary: duplicate word \"" + this.words.get(i) + "\"");
            }
        }
        this.ids = map;
    }

    /**
     * Builds a vocabulary of every token seen at least {@code minCount} times (a {@code minCount}
     * below 1 is treated as 1). Tokens equal to a special token are counted as ordinary occurrences
     * of that special and never become words.
     */
    public static Vocabulary build(Iterable<List<String>> tokenizedCaptions, int minCount) {
        Map<String, Long> count = new HashMap<>();
        for (List<String> caption : tokenizedCaptions) {
            for (String w : caption) {
                count.merge(w, 1L, Long::sum);
            }
        }
        int threshold = Math.max(1, minCount);
        List<Map.Entry<String, Long>> kept = new ArrayList<>();
        for (Map.Entry<String, Long> e : count.entrySet()) {
            if (e.getValue() >= threshold && !isSpecial(e.getKey())) {
                kept.add(e);
            }
        }
        kept.sort(
                Map.Entry.<String, Long>comparingByValue()
                        .reversed()
                        .thenComparing(Map.Entry.comparingByKey()));
        List<String> words = new ArrayList<>(List.of(PAD, START, END, UNK));
        long[] counts = new long[SPECIALS + kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            words.add(kept.get(i).getKey());
            counts[SPECIALS + i] = kept.get(i).getValue();
        }
        return new Vocabulary(words, counts, threshold);
    }

    private static boolean isSpecial(String w) {
        return w.equals(PAD) || w.equals(START) || w.equals(END) || w.equals(UNK);
    }

    /** Number of ids, specials included. */
    public int size() {
        return words.size();
    }

    /** The id of {@code word}, or {@link #UNK_ID} if it is not in the vocabulary. */
    public int id(String word) {
        Integer id = ids.get(word);
        return id == null ? UNK_ID : id;
    }

    /** True if {@code word} has its own id. */
    public boolean contains(String word) {
        return ids.containsKey(word);
    }

    /** The word with id {@code id}; throws {@link IndexOutOfBoundsException} for a bad id. */
    public String word(int id) {
        return words.get(id);
    }

    /** How often the word with id {@code id} occurred in the captions it was built from. */
    public long count(int id) {
        return counts[id];
    }

    /** The threshold this vocabulary was built with. */
    public int minCount() {
        return minCount;
    }

    /** All words in id order, specials first. */
    public List<String> words() {
        return words;
    }

    /**
     * Encodes {@code tokens} as {@code <start> w1 .. wk <end>} with {@code k = min(tokens.size(),
     * maxLen)}, so the result has length at most {@code maxLen + 2} and always ends with {@code
     * <end>}. Unknown words become {@code <unk>}. The array is not padded.
     */
    public int[] encode(List<String> tokens, int maxLen) {
        if (maxLen < 0) {
            throw new IllegalArgumentException("maxLen must be >= 0, got " + maxLen);
        }
        int k = Math.min(tokens.size(), maxLen);
        int[] out = new int[k + 2];
        out[0] = START_ID;
        for (int i = 0; i < k; i++) {
            out[i + 1] = id(tokens.get(i));
        }
        out[k + 1] = END_ID;
        return out;
    }

    /**
     * Turns ids back into words: skips {@code <start>} and {@code <pad>}, stops at the first {@code
     * <end>}, keeps {@code <unk>} as the literal {@code "<unk>"}. Ids outside the vocabulary also
     * read as {@code <unk>}.
     */
    public List<String> decode(int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            if (id == END_ID) {
                break;
            }
            if (id == START_ID || id == PAD_ID) {
                continue;
            }
            out.add(id >= 0 && id < words.size() ? words.get(id) : UNK);
        }
        return out;
    }

    /** {@link #decode(int[])} joined with single spaces. */
    public String decodeToString(int[] ids) {
        return String.join(" ", decode(ids));
    }

    /**
     * Whether word {@code id} is a content (key) word: a word of the vocabulary that is neither a
     * special token nor one of the {@link StopWords}. The memory's keys, the word-presence targets
     * and the retrieval memory's cells are all content words.
     */
    public boolean isContentWord(int id) {
        return id >= SPECIALS && id < words.size() && !StopWords.contains(words.get(id));
    }

    /**
     * Ids of the {@code n} most frequent {@link #isContentWord content words}, most frequent first
     * (fewer if the vocabulary has fewer). They initialise the memory keys: the paper says keys
     * "correspond to key words" of the captions.
     */
    public List<Integer> frequentContentWords(int n) {
        List<Integer> out = new ArrayList<>();
        for (int id = SPECIALS; id < words.size() && out.size() < n; id++) {
            if (isContentWord(id)) {
                out.add(id);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The JSON form described in the class comment. */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("version", FORMAT_VERSION);
        o.addProperty("minCount", minCount);
        JsonArray w = new JsonArray();
        JsonArray c = new JsonArray();
        for (int i = 0; i < words.size(); i++) {
            w.add(words.get(i));
            c.add(counts[i]);
        }
        o.add("words", w);
        o.add("counts", c);
        return JsonFiles.GSON.toJson(o);
    }

    /** Reads the form written by {@link #toJson()}; {@link DataException} if it is not one. */
    public static Vocabulary fromJson(String json) {
        return fromJson(json, Path.of("vocab.json"));
    }

    private static Vocabulary fromJson(String json, Path source) {
        JsonObject o =
                JsonFiles.object(JsonFiles.parse(json, source.toString()), source, "top level");
        long version = JsonFiles.number(o, "version", source, "vocabulary");
        if (version != FORMAT_VERSION) {
            throw new DataException(
                    source
                            + ": vocabulary version "
                            + version
                            + " is not supported (expected "
                            + FORMAT_VERSION
                            + ")");
        }
        JsonArray w = JsonFiles.array(o, "words", source, "vocabulary");
        JsonArray c = JsonFiles.array(o, "counts", source, "vocabulary");
        if (w.size() != c.size() || w.size() < SPECIALS) {
            throw new DataException(
                    source
                            + ": vocabulary \"words\" and \"counts\" must have the same length >= "
                            + SPECIALS);
        }
        List<String> words = new ArrayList<>();
        long[] counts = new long[w.size()];
        for (int i = 0; i < w.size(); i++) {
            JsonElement word = w.get(i);
            if (!(word instanceof JsonPrimitive p && p.isString()) || word.getAsString().isEmpty()) {
                throw new DataException(
                        source + ": words[" + i + "] is " + (word.isJsonNull() ? "null" : word.toString())
                                + ", not a word; the vocabulary is damaged");
            }
            words.add(word.getAsString());
            JsonElement count = c.get(i);
            if (!(count instanceof JsonPrimitive n && n.isNumber()) || count.getAsDouble() < 0
                    || count.getAsDouble() != Math.rint(count.getAsDouble())) {
                throw new DataException(
                        source + ": counts[" + i + "] is " + count + ", not a count (a whole number ≥ 0); the vocabulary is damaged");
            }
            counts[i] = count.getAsLong();
        }
        if (!words.subList(0, SPECIALS).equals(List.of(PAD, START, END, UNK))) {
            throw new DataException(
                    source + ": vocabulary must start with <pad> <start> <end> <unk>");
        }
        int minCount =
                JsonFiles.has(o, "minCount")
                        ? (int) JsonFiles.number(o, "minCount", source, "vocabulary")
                        : 1;
        try {
            return new Vocabulary(words, counts, minCount);
        } catch (DataException e) {
            throw new DataException(source + ": " + e.getMessage() + "; the vocabulary is damaged", e);
        }
    }

    /**
     * Writes {@link #toJson()} to {@code file} atomically (temp file in the same folder, rename).
     */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, toJson());
    }

    /** Reads a file written by {@link #save(Path)}. */
    public static Vocabulary load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": vocabulary file not found; check the path");
        }
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8), file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read vocabulary (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Vocabulary v
                && v.words.equals(words)
                && java.util.Arrays.equals(v.counts, counts);
    }

    @Override
    public int hashCode() {
        return words.hashCode();
    }

    @Override
    public String toString() {
        return "Vocabulary[size=" + size() + ", minCount=" + minCount + "]";
    }
}

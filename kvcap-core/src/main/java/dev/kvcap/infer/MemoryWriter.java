package dev.kvcap.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import dev.kvcap.bank.Entry;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.data.CellIndex;
import dev.kvcap.data.ImageLoader;
import dev.kvcap.data.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Turns (image, caption) pairs into memory-bank entries: for each word of the caption, the key is
 * the decoder state h2 that predicts it (teacher-forced on the caption itself) and the value is
 * the word, remembered with the two words read before that state (its context; {@code <pad>
 * <start>} before the first word). Used by {@code memory build}, {@code memory add}, {@code caption
 * --remember} and the service's teach and remember requests, which all store through {@link #store}.
 */
public final class MemoryWriter {

    /** The source prefix of a generated caption's entries ({@code caption --remember}, serve's {@code remember=true}). */
    public static final String REMEMBER = "remember:";

    private final Captioner captioner;

    public MemoryWriter(Captioner captioner) {
        this.captioner = captioner;
    }

    /** One pair to remember: resized image bytes, the caption's tokens, where it came from. */
    public record Example(byte[] pixels, List<String> words, String source) {}

    /** An image to teach a caption for: its bytes as given (its identity), decoded pixels, the caption's tokens. */
    public record Lesson(byte[] imageBytes, byte[] pixels, List<String> words) {}

    /**
     * What {@link #store} did.
     *
     * @param duplicates lessons skipped because the bank already held that caption for that image
     * @param cut lessons stored with their caption cut to {@code maxWords}
     * @param maxWords the model's longest caption ({@code data.maxCaptionLen})
     * @param added entries stored: one per kept word, plus one for {@code <end>}
     * @param bankSize entries in the bank afterwards
     * @param sources each lesson's source, in order
     */
    public record Stored(int duplicates, int cut, int maxWords, long added, long bankSize, List<String> sources) {

        /**
         * The answer of {@code memory add} and {@code POST /v1/memory} for one caption of {@code
         * words} words: entries added, the bank's size, the source, the words kept, and whether it
         * was a duplicate.
         */
        public JsonObject answer(int words) {
            JsonObject o = new JsonObject();
            o.addProperty("added", added);
            o.addProperty("entries", bankSize);
            o.addProperty("source", sources.get(0));
            o.addProperty("words", Math.min(words, maxWords));
            o.addProperty("duplicate", duplicates > 0);
            return o;
        }

        /** One line, e.g. {@code remembered 2 captions (26 entries); the bank holds 40 entries}. */
        public String describe(String verb, String noun) {
            int kept = sources.size() - duplicates;
            StringBuilder sb = new StringBuilder(verb).append(' ')
                    .append(kept).append(' ').append(noun).append(kept == 1 ? "" : "s")
                    .append(" (").append(added).append(added == 1 ? " entry)" : " entries)");
            if (duplicates > 0) {
                sb.append("; ").append(duplicates).append(duplicates == 1 ? " was" : " were")
                        .append(" already in the bank for the same image and not stored again");
            }
            if (cut > 0) {
                sb.append("; ").append(cut).append(cut == 1 ? " was" : " were").append(" cut to the model's ")
                        .append(maxWords).append(" words (data.maxCaptionLen)");
            }
            return sb.append("; the bank holds ").append(bankSize).append(" entries").toString();
        }
    }

    /**
     * Adds lessons to {@code bank} and commits: the one rule of every path that teaches the bank
     * (CLI and service). Each is stored under the source {@code <kind>:<sha1 of the image
     * bytes>:<sha1 of the caption's words, 12 hex>}, so {@code memory remove --source
     * <kind>:<sha1>} removes every caption of an image, and a caption the bank already holds for
     * the same image is skipped, not stored twice. A caption longer than the model's {@code
     * data.maxCaptionLen} is cut to it (as {@link #entries} encodes it); the count is of the
     * entries really stored. Callers that may run concurrently must serialise calls on one bank.
     */
    public Stored store(MemoryBank bank, String kind, List<Lesson> lessons) {
        int maxWords = captioner.model().config().data().maxCaptionLen();
        List<Example> examples = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        int cut = 0;
        for (Lesson lesson : lessons) {
            List<String> words = lesson.words();
            List<String> kept = words.size() > maxWords ? words.subList(0, maxWords) : words;
            String source = kind + ":" + sha1(lesson.imageBytes()) + ":"
                    + sha1(String.join(" ", kept).getBytes(StandardCharsets.UTF_8)).substring(0, 12);
            sources.add(source);
            if (!seen.add(source) || bank.countSource(source) > 0) {
                duplicates++;
                continue;
            }
            cut += kept.size() < words.size() ? 1 : 0;
            examples.add(new Example(lesson.pixels(), kept, source));
        }
        List<Entry> entries = entries(examples);
        if (!entries.isEmpty()) {
            bank.add(entries);
            bank.commit();
        }
        return new Stored(duplicates, cut, maxWords, entries.size(), bank.size(), sources);
    }

    /** Hex SHA-1 of some bytes: an image's identity in entry sources. */
    private static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The entries of a batch of examples (any batch size; one forward pass). */
    public List<Entry> entries(List<Example> examples) {
        if (examples.isEmpty()) {
            return List.of();
        }
        if (captioner.model().model().readsCells()) {
            return cellEntries(examples);
        }
        Vocabulary vocab = captioner.vocab();
        int s = captioner.model().config().model().imageSize();
        int pix = 3 * s * s;
        int maxLen = captioner.model().config().data().maxCaptionLen();
        List<int[]> encoded = new ArrayList<>();
        int longest = 0;
        for (Example e : examples) {
            int[] ids = vocab.encode(e.words(), maxLen); // <start> w… <end>
            encoded.add(ids);
            longest = Math.max(longest, ids.length - 1);
        }
        float[] images = new float[examples.size() * pix];
        long[] inputs = new long[examples.size() * longest];
        for (int i = 0; i < examples.size(); i++) {
            System.arraycopy(ImageLoader.normalize(examples.get(i).pixels()), 0, images, i * pix, pix);
            int[] ids = encoded.get(i);
            for (int t = 0; t < ids.length - 1; t++) {
                inputs[i * longest + t] = ids[t];
            }
        }
        List<Entry> out = new ArrayList<>();
        JniUtils.setGradMode(false); // per thread: a server's request threads start with it on
        try (NDManager m = captioner.manager().newSubManager();
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = m.create(images, new Shape(examples.size(), 3, s, s));
            NDArray in = m.create(inputs, new Shape(examples.size(), longest)).toType(DataType.INT64, false);
            NDArray states = captioner.model().model().decoderStates(new ParameterStore(m, false), x, in);
            int h = (int) states.getShape().get(2);
            float[] flat = states.toFloatArray(); // [B, T, H]
            for (int i = 0; i < examples.size(); i++) {
                int[] ids = encoded.get(i);
                List<Integer> read = new ArrayList<>(); // the words read after <start>
                for (int t = 0; t < ids.length - 1; t++) {
                    float[] key = new float[h];
                    System.arraycopy(flat, (i * longest + t) * h, key, 0, h);
                    long context = contextAfter(read, Vocabulary.PAD_ID, Vocabulary.START_ID);
                    out.add(new Entry(key, ids[t + 1], null, examples.get(i).source(), context));
                    read.add(ids[t + 1]);
                }
            }
        }
        return out;
    }

    /**
     * A retrieval memory's entries: one per example, keyed by the image's descriptor ({@link
     * CellIndex#describe}, {@link CellIndex#unitVector}), its caption's key words as the phrase (the first one as the word); a
     * caption without key words teaches nothing. Captioning finds the taught images nearest to each
     * image and reads their words in its memory's cells, as it reads the training images' ({@link
     * CellSearch}).
     */
    private List<Entry> cellEntries(List<Example> examples) {
        int s = captioner.model().config().model().imageSize();
        List<Entry> out = new ArrayList<>();
        for (Example e : examples) {
            int[] words = CellIndex.keyWords(captioner.vocab(), List.of(e.words())).get(0);
            if (words.length > 0) {
                float[] key = CellIndex.unitVector(captioner.model().cells().describe(e.pixels(), s));
                String phrase = String.join(" ", Arrays.stream(words).mapToObj(captioner.vocab()::word).toList());
                out.add(new Entry(key, words[0], phrase, e.source(), Entry.NO_CONTEXT, String.join(" ", e.words())));
            }
        }
        return out;
    }

    /**
     * The context of the state that has read {@code <start>} and then {@code words}: its last two
     * tokens, {@code <pad>} standing before {@code <start>}. Entries are stored with it and
     * decoding ({@link CaptionSearch}) looks up with it, so both must compute it here.
     */
    static long contextAfter(List<Integer> words, int padId, int startId) {
        int n = words.size();
        int last = n > 0 ? words.get(n - 1) : startId;
        int before = n > 1 ? words.get(n - 2) : n == 1 ? startId : padId;
        return Entry.context(before, last);
    }
}

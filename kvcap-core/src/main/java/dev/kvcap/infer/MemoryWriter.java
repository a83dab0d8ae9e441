package dev.kvcap.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.kvcap.bank.Entry;
import dev.kvcap.data.ImageLoader;
import dev.kvcap.data.Vocabulary;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns (image, caption) pairs into memory-bank entries: for each word of the caption, the key is
 * the decoder state h2 that predicts it (teacher-forced on the caption itself) and the value is
 * the word, remembered with the two words read before that state (its context; {@code <pad>
 * <start>} before the first word). Used by {@code memory build}, {@code memory add} and {@code caption --remember}.
 */
public final class MemoryWriter {

    private final Captioner captioner;

    public MemoryWriter(Captioner captioner) {
        this.captioner = captioner;
    }

    /** One pair to remember: resized image bytes, the caption's tokens, where it came from. */
    public record Example(byte[] pixels, List<String> words, String source) {}

    /** The entries of a batch of examples (any batch size; one forward pass). */
    public List<Entry> entries(List<Example> examples) {
        if (examples.isEmpty()) {
            return List.of();
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

package dev.kvcap.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.ImageLoader;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.DecoderPrecision;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.Int8Linears;
import dev.kvcap.model.Precision;
import dev.kvcap.model.SavedModel;
import dev.kvcap.model.TensorCasts;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.LongStream;

/**
 * Image in, caption out: the facade over a loaded model used by {@code caption}, {@code evaluate}
 * and {@code serve}. Thread-safe for concurrent {@link #caption} calls (each call owns its arrays;
 * parameters are frozen).
 */
public final class Captioner implements AutoCloseable {

    private final NDManager manager;
    private CellSearch cellSearch; // the retrieval memory's search, made on first use
    private CaptionRerank rerank; // --rerank's chooser, made on first use

    /**
     * Images whose candidates {@link #rerank} reads in one teacher-forced pass: larger products
     * than one image's ~100 candidates; 4 took 25.3 s for the real test split against 24.5 s with 8
     * and 39.6 s with 32, whose logits grew the process to 6 GB (docs/BENCHMARKS.md).
     */
    private static final int RERANK_IMAGES = 4;
    private final SavedModel saved;
    private final Precision precision;
    private final TensorCasts casts;
    private final Int8Linears int8; // null: the decoder runs in float32

    private Captioner(
            NDManager manager, SavedModel saved, Precision precision, DecoderPrecision decoderPrecision) {
        this.manager = manager;
        this.saved = saved;
        saved.model().getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
        this.precision = precision;
        // fp32: channels-last convolutions, the same values in another summation order (17 % faster
        // for vgg16's encoder); bf16: docs/BF16.md
        this.casts = precision == Precision.BF16 ? TensorCasts.bf16() : TensorCasts.channelsLast();
        Int8Linears linears = null;
        try {
            saved.model().encodeWith(casts);
            if (decoderPrecision == DecoderPrecision.INT8) {
                linears = Int8Linears.load();
                saved.model().decodeWith(linears);
            } else {
                saved.model().joinSteps(); // one product a step (docs/BENCHMARKS.md, "Fewer calls a word")
            }
        } catch (RuntimeException e) {
            casts.close();
            if (linears != null) {
                linears.close();
            }
            throw e;
        }
        this.int8 = linears;
    }

    /** Loads a model directory (or its {@code best/}) in fp32; one-line errors on a bad directory. */
    public static Captioner load(Path modelDir) {
        return load(modelDir, Precision.FP32);
    }

    /** Loads a model directory with the encoder in {@code precision} (docs/BF16.md). */
    public static Captioner load(Path modelDir, Precision precision) {
        return load(modelDir, precision, DecoderPrecision.FP32);
    }

    /**
     * Loads a model directory with the encoder in {@code precision} (docs/BF16.md) and the decoding
     * step's weights in {@code decoder} (docs/BENCHMARKS.md, lever 12).
     */
    public static Captioner load(Path modelDir, Precision precision, DecoderPrecision decoder) {
        // Grad mode is per thread and on in any thread but the engine's first (a Spark task's, a
        // server's worker): loading there set the fixed attention weights in place on a leaf that
        // requires grad, which PyTorch refuses.
        NDManager manager = NDManager.newBaseManager(); // loads the engine, before any JniUtils call
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return new Captioner(manager, SavedModel.load(modelDir, manager), precision, decoder);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** The encoder's number format. */
    public Precision precision() {
        return precision;
    }

    /** The number format of the decoding step's weights. */
    public DecoderPrecision decoderPrecision() {
        return int8 == null ? DecoderPrecision.FP32 : DecoderPrecision.INT8;
    }

    /** The manager that owns the model's parameters (callers make sub-managers of it). */
    NDManager manager() {
        return manager;
    }

    public SavedModel model() {
        return saved;
    }

    public Vocabulary vocab() {
        return saved.vocab();
    }

    /** The model's own decoding settings (from its config). */
    public DecodeConfig defaults() {
        return saved.config().decode();
    }

    /** Resized CHW bytes of one image file, ready for {@link #caption}; throws on a bad image. */
    public byte[] prepare(Path file) {
        return ImageLoader.resizeToBytes(ImageLoader.readRgb(file), saved.config().model().imageSize());
    }

    /**
     * Captions prepared images in one batch.
     *
     * @param pixels per image, CHW bytes from {@link #prepare}
     * @param withAttention record each word's heat-map
     */
    public List<Caption> caption(List<byte[]> pixels, DecodeConfig decode, boolean withAttention) {
        return caption(pixels, decode, withAttention, null);
    }

    /**
     * The captions {@code kvcap caption} prints for prepared images: the model's own with {@code
     * decode}'s search, then, when {@code decode.rerank()} is above 0 (what training chose on its
     * validation images, {@link #defaults}), chosen among the model's own and its nearest training
     * images' captions and their spans ({@link #rerank}, default weights).
     */
    public List<String> captionTexts(List<byte[]> pixels, DecodeConfig decode) {
        List<String> own = caption(pixels, decode, false).stream().map(Caption::text).toList();
        return RerankSettings.of(decode).map(s -> rerank(pixels, own, s)).orElse(own);
    }

    /**
     * Captions prepared images in one batch, interpolating each step with {@code retrieval} (the
     * memory bank) when it is not null.
     */
    public List<Caption> caption(
            List<byte[]> pixels, DecodeConfig decode, boolean withAttention, Retrieval retrieval) {
        MemoryBank taught = null;
        if (saved.model().readsCells() && retrieval != null) {
            // a retrieval memory reads the bank's taught images in its cells, not word by word
            if (!(retrieval instanceof BankRetrieval bank)) {
                throw new IllegalArgumentException("a retrieval memory reads only the memory bank");
            }
            if (retrieval.read() == Retrieval.Read.SLOTS) {
                throw new IllegalArgumentException(
                        "--memory-read slots reads the bank through learned memory slots, and this model's memory has retrieved cells instead (the bank is read in them): leave out --memory-read");
            }
            taught = bank.bank();
            retrieval = null;
        }
        CaptionSearch search =
                new CaptionSearch(saved.model(), decode, withAttention).withRetrieval(retrieval);
        if (retrieval != null && retrieval.read() == Retrieval.Read.SLOTS) {
            if (saved.model().memorySlots() == 0) {
                throw new IllegalArgumentException(
                        "this model has no key-value memory to read the bank through; use the default interpolation");
            }
            search.withSlotWords(saved.vocab().frequentContentWords(saved.model().memorySlots()));
        }
        try (NDManager call = manager.newSubManager()) {
            NDArray images = images(call, pixels);
            List<Caption> out = new ArrayList<>();
            for (List<Hypothesis> hyps : search.search(images, cells(call, pixels, taught))) {
                out.add(new Caption(hyps, saved.vocab(), saved.config().model().mapSize()));
            }
            return out;
        }
    }

    /**
     * The encoder's global vectors of prepared images, one row per image: the features the
     * nearest-neighbour baseline compares ({@code kvcap baseline --features encoder}).
     */
    public float[][] globalFeatures(List<byte[]> pixels) {
        JniUtils.setGradMode(false);
        try (NDManager call = manager.newSubManager()) {
            NDArray images = images(call, pixels);
            ParameterStore ps = new ParameterStore(call, false);
            float[] flat = saved.model().encode(ps, images, false).global().toFloatArray(); // [B, D]
            int d = flat.length / pixels.size();
            float[][] out = new float[pixels.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
            }
            return out;
        }
    }

    /**
     * Each image's caption chosen among its {@code own} (the model's) and the captions of its
     * {@code settings.neighbours()} nearest training images, and with {@code settings.spans()} runs
     * of their words, by minimum Bayes risk ({@link CaptionRerank}).
     *
     * @throws IllegalArgumentException when the model keeps no training captions to choose from,
     *     or a setting is out of range
     */
    public List<String> rerank(List<byte[]> pixels, List<String> own, RerankSettings settings) {
        return rerank(pixels, own, settings, null);
    }

    /**
     * {@link #rerank(List, List, RerankSettings)} reading the memory bank too, when {@code
     * retrieval} is the bank as a retrieval memory reads it ({@link #caption(List, DecodeConfig,
     * boolean, Retrieval)}; null or another retrieval: no bank): its taught images vote in the
     * cells, and their captions join the candidates, weighed by their images' similarity as the
     * training images' are (docs/MEMORY-RETRIEVAL.md, "Teaching a real icon"). So what {@code
     * memory add} teaches reaches the chosen caption.
     */
    public List<String> rerank(List<byte[]> pixels, List<String> own, RerankSettings settings, Retrieval retrieval) {
        return rerank(pixels, own, List.of(settings), retrieval).get(0);
    }

    /**
     * {@link #rerank(List, List, RerankSettings, Retrieval)} once per way of choosing, the images
     * encoded and their candidates weighed once: [way][image]. The ways may differ in spans and
     * fitted weights only (the first way's neighbours, temperature and power count).
     */
    public List<List<String>> rerank(List<byte[]> pixels, List<String> own, List<RerankSettings> ways, Retrieval retrieval) {
        RerankSettings settings = ways.get(0);
        for (RerankSettings way : ways) {
            if (way.neighbours() != settings.neighbours() || way.temperature() != settings.temperature()
                    || way.similarityPower() != settings.similarityPower()) {
                throw new IllegalArgumentException("ways of choosing captioned together may differ in spans and fitted weights only");
            }
        }
        MemoryBank taught = saved.model().readsCells() && retrieval instanceof BankRetrieval bank ? bank.bank() : null;
        CaptionRerank chooser = rerank(settings);
        for (RerankSettings way : ways) {
            way.check();
        }
        JniUtils.setGradMode(false);
        List<List<String>> out = new ArrayList<>();
        for (int w = 0; w < ways.size(); w++) {
            out.add(new ArrayList<>());
        }
        try (NDManager call = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(call, false);
            NDArray images = images(call, pixels);
            // one search serves both: the memory's cells (its first memoryNeighbours) and the candidates
            int n = settings.neighbours();
            CellSearch.Nearest near = cellSearch().nearest(call, pixels, Math.max(n, saved.config().model().memoryNeighbours()));
            NDList cells = cellSearch().cells(call, near, taught);
            ImageContext all = saved.model().encode(ps, images, cells, false); // once for the batch
            for (int from = 0; from < pixels.size(); from += RERANK_IMAGES) {
                int to = Math.min(pixels.size(), from + RERANK_IMAGES);
                List<CaptionRerank.Candidates> each = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    float[] cosines = near.similarities(i, n);
                    Map<String, Float> extra = taught == null ? Map.of()
                            : cellSearch().taughtCaptions(taught, near.units().get(i), n, cosines.length == 0 ? -1f : cosines[cosines.length - 1]);
                    each.add(chooser.candidates(own.get(i), near.entries(i, n), cosines, extra, near.units().get(i)));
                }
                List<double[]> meanLogP;
                try (NDScope scope = new NDScope()) { // frees the images' [N, V] logits at once
                    meanLogP = chooser.meanLogProbabilities(ps, all, LongStream.range(from, to).toArray(), each);
                }
                for (int k = 0; k < each.size(); k++) {
                    CaptionRerank.Candidates c = each.get(k);
                    List<String> chosen = c.texts().size() == 1
                            ? ways.stream().map(w -> c.own()).toList()
                            : chooser.choose(c, meanLogP.get(k), ways);
                    for (int w = 0; w < ways.size(); w++) {
                        out.get(w).add(chosen.get(w));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Fits {@link #rerank}'s choice on the training images the model keeps ({@link ChoiceFit}, up
     * to {@link ChoiceFit#IMAGES} of them, seeded): the weights for {@link
     * RerankSettings#withFitted} (empty when too few images have neighbours) and the images fitted on.
     *
     * @param progress told the training images prepared so far and the most there will be, now and then
     * @throws IllegalArgumentException when the model keeps no training captions
     */
    public ChoiceFit.Fitted fitChoice(RerankSettings settings, BiConsumer<Integer, Integer> progress) {
        return rerank(settings).fit(settings.neighbours(), settings.similarityPower(), settings.spans(), ChoiceFit.IMAGES, 1, progress);
    }

    /** Whether the model keeps its training images' captions, which {@link #rerank} chooses among. */
    public boolean canRerank() {
        return CaptionRerank.hasCandidates(saved);
    }

    /**
     * Checks that {@link #rerank} can run with {@code settings}, before any captioning: the model
     * keeps its training captions and every setting is in range.
     *
     * @throws IllegalArgumentException with a one-line reason otherwise
     */
    public void checkRerank(RerankSettings settings) {
        rerank(settings);
    }

    private synchronized CaptionRerank rerank(RerankSettings settings) {
        settings.check();
        if (rerank == null) {
            rerank = new CaptionRerank(saved);
        }
        return rerank;
    }

    /**
     * The retrieval memory's cells of prepared images ({@link CellSearch}), with the images
     * {@code taught} (the memory bank, or null); null for a model without a retrieval memory.
     */
    NDList cells(NDManager call, List<byte[]> pixels, MemoryBank taught) {
        return saved.model().readsCells() ? cellSearch().cells(call, pixels, taught) : null;
    }

    private synchronized CellSearch cellSearch() {
        if (cellSearch == null) {
            cellSearch = new CellSearch(saved.cells(), saved.config().model(), saved.vocab(), manager);
        }
        return cellSearch;
    }

    /** Prepared images as one normalised batch [B, 3, S, S] owned by {@code call}. */
    private NDArray images(NDManager call, List<byte[]> pixels) {
        int s = saved.config().model().imageSize();
        int pix = 3 * s * s;
        float[] data = new float[pixels.size() * pix];
        for (int i = 0; i < pixels.size(); i++) {
            System.arraycopy(ImageLoader.normalize(pixels.get(i)), 0, data, i * pix, pix);
        }
        return call.create(data, new Shape(pixels.size(), 3, s, s));
    }

    @Override
    public void close() {
        manager.close();
        casts.close();
        if (int8 != null) {
            int8.close();
        }
    }

    /** Resized CHW bytes of a decoded image (e.g. an upload), ready for {@link #caption}. */
    public byte[] prepare(BufferedImage image) {
        return ImageLoader.resizeToBytes(image, saved.config().model().imageSize());
    }

    /**
     * One image's result.
     *
     * @param hypotheses best first
     * @param mapSize side of each attention heat-map
     */
    public record Caption(List<Hypothesis> hypotheses, Vocabulary vocab, int mapSize) {

        public Hypothesis best() {
            return hypotheses.get(0);
        }

        /** The best caption's words. */
        public List<String> words() {
            return words(best());
        }

        public List<String> words(Hypothesis h) {
            return vocab.decode(h.wordIds().stream().mapToInt(Integer::intValue).toArray());
        }

        /** The best caption as text. */
        public String text() {
            return String.join(" ", words());
        }
    }
}

package dev.kvcap.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.data.CellIndex;
import dev.kvcap.data.ImageLoader;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.infer.CaptionSearch;
import dev.kvcap.infer.CellSearch;
import dev.kvcap.model.DecodeState;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.Int8Linears;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.MemoryCells;
import dev.kvcap.model.SavedModel;
import dev.kvcap.model.TensorCasts;
import dev.kvcap.train.AdamW;
import dev.kvcap.train.CaptionLoss;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Measures one preset: caption latency (image file → caption, split into preparation, encoder and
 * decoder), decoder cost per step at batch 1 and beam 3, batch captioning throughput at batch 8
 * and 32, JVM start to first caption ({@code kvcap caption} in a fresh JVM) and training
 * throughput. Latency and batch figures run the encoder as {@code Captioner} does: fp32 with
 * channels-last convolutions, then again in bf16 ({@code _bf16} keys), then with the decoder's
 * weights in int8 as well ({@code _bf16_int8} keys; decoder steps {@code _int8}). The model has
 * random weights, which cost the same as trained ones; every caption is forced to exactly {@code
 * words} words (min length = max length) so runs are comparable.
 */
public final class Bench {

    /** The smallest --vocab the harness builds a model with (the quick run's). */
    public static final int MIN_VOCAB = 50;

    private final KvcapConfig config;
    private final int vocab;
    private final int words;
    private final int warmup;
    private final int runs;
    private final long warmupMillis;

    /** Least warm-up time of each latency and step figure. */
    public static final long DEFAULT_WARMUP_MILLIS = 3000;

    /**
     * Captioned images in a retrieval memory's index (the real development set's training split
     * has 5,227): finding an image's cells compares it with every one.
     */
    static final int CELL_ENTRIES = 5000;

    private CellIndex cellIndex; // a retrieval memory's index (random thumbnails and words), or null
    private CellSearch cellSearch;

    /** Batch sizes of the batch-captioning throughput figures. */
    static final int[] BATCHES = {8, 32};

    /**
     * @param vocab vocabulary size to build the model with (output layer width)
     * @param words caption length forced on every decode
     */
    public Bench(KvcapConfig config, int vocab, int words, int warmup, int runs) {
        this(config, vocab, words, warmup, runs, DEFAULT_WARMUP_MILLIS);
    }

    /** @param warmupMillis least time each latency figure warms up for (0 in the quick mode) */
    public Bench(KvcapConfig config, int vocab, int words, int warmup, int runs, long warmupMillis) {
        this.config = config;
        this.vocab = vocab;
        this.words = words;
        this.warmup = warmup;
        this.runs = runs;
        this.warmupMillis = warmupMillis;
    }

    /** The 640×480 JPEG that {@link #run} captions for an image size {@code size}, under {@code scratch}. */
    public static Path imagePath(Path scratch, int size) {
        return scratch.resolve("bench-" + size + ".jpg");
    }

    /** All figures, keyed for the JSON report. */
    public Map<String, Object> run(int trainBatch, Path scratch) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("preset", config.preset());
        out.put("image_size", config.model().imageSize());
        out.put("threads", System.getProperty("ai.djl.pytorch.num_threads"));
        out.put("words", words);
        Engine.getInstance().setRandomSeed(1);
        int s = config.model().imageSize();
        Path jpeg = imagePath(scratch, s);
        ImageIO.write(photoLike(640, 480), "jpg", jpeg.toFile());
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(config.model(), vocab);
            model.initialize(m);
            if (model.readsCells()) {
                cellIndex = randomCells(vocab);
                cellSearch = new CellSearch(cellIndex, config.model(), null, m);
                out.put("cell_index_entries", CELL_ENTRIES);
            }
            coldStart(model, scratch, jpeg, out); // saves the parameters as initialised (NCHW)
            model.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
            model.joinSteps(); // as Captioner runs float32 (docs/BENCHMARKS.md)
            decoderStep(model, m, out, "");
            // What Captioner runs: fp32 with channels-last convolutions, then the encoder in bf16,
            // then also the decoder's weights in int8 (--precision bf16 --decoder-precision int8).
            try (TensorCasts fp32 = TensorCasts.channelsLast();
                    TensorCasts bf16 = TensorCasts.bf16();
                    Int8Linears int8 = Int8Linears.load()) {
                model.encodeWith(fp32);
                latency(model, m, jpeg, out, "");
                batches(model, m, jpeg, out, "");
                model.encodeWith(bf16);
                latency(model, m, jpeg, out, "_bf16");
                batches(model, m, jpeg, out, "_bf16");
                model.decodeWith(int8);
                decoderStep(model, m, out, "_int8");
                latency(model, m, jpeg, out, "_bf16_int8");
                batches(model, m, jpeg, out, "_bf16_int8");
            }
        }
        try (NDManager m = NDManager.newBaseManager(); // a fresh model: the one above is converted
                TensorCasts layout = TensorCasts.channelsLast();
                TensorCasts bf16 = TensorCasts.bf16()) {
            KvmCaptionModel model = new KvmCaptionModel(config.model(), vocab);
            model.initialize(m);
            training(model, m, layout, trainBatch, out, "");
            model.trainWith(bf16); // train --precision bf16
            training(model, m, layout, trainBatch, out, "_bf16");
        }
        out.put("peak_rss_mib", PeakMemory.mib());
        return out;
    }

    private CaptionSearch search(KvmCaptionModel model) {
        DecodeConfig decode = new DecodeConfig(3, words, words, 0f, false);
        return new CaptionSearch(model, decode, false);
    }

    /** Image file → caption, and its parts; keys end with {@code suffix} ("" for fp32, "_bf16"). */
    private void latency(KvmCaptionModel model, NDManager m, Path jpeg, Map<String, Object> out, String suffix) {
        int s = config.model().imageSize();
        CaptionSearch search = search(model);
        ParameterStore ps = new ParameterStore(m, false);
        float[][] pixels = new float[1][];
        Timing prepare =
                Timing.of("prepare", warmup, warmupMillis, runs, () -> pixels[0] = ImageLoader.normalize(resized(jpeg, s)));
        Timing encoder =
                Timing.of("encoder", warmup, warmupMillis, runs, () -> {
                    try (NDManager call = m.newSubManager()) {
                        NDArray x = call.create(pixels[0], new Shape(1, 3, s, s));
                        model.encode(ps, x, false).global().toFloatArray();
                    }
                });
        Timing total =
                Timing.of("caption", warmup, warmupMillis, runs, () -> {
                    try (NDManager call = m.newSubManager()) {
                        byte[] bytes = resized(jpeg, s);
                        NDArray x = call.create(ImageLoader.normalize(bytes), new Shape(1, 3, s, s));
                        search.search(x, cells(call, List.of(bytes)));
                    }
                });
        out.put("latency_ms_median" + suffix, total.median());
        out.put("latency_ms_p90" + suffix, total.percentile(90));
        out.put("prepare_ms_median" + suffix, prepare.median());
        out.put("encoder_ms_median" + suffix, encoder.median());
        out.put("decoder_ms_median" + suffix, Math.max(0, total.median() - prepare.median() - encoder.median()));
    }

    /** The JPEG decoded and resized to {@code s}² (CHW bytes), as a caption call prepares it. */
    private static byte[] resized(Path jpeg, int s) {
        return ImageLoader.resizeToBytes(ImageLoader.readRgb(jpeg), s);
    }

    /** Batch captioning: {@code b} JPEG files → prepared → one batched beam search, as images/s. */
    private void batches(KvmCaptionModel model, NDManager m, Path jpeg, Map<String, Object> out, String suffix) {
        int s = config.model().imageSize();
        int pix = 3 * s * s;
        CaptionSearch search = search(model);
        for (int b : BATCHES) {
            Timing t = Timing.of("batch" + b, 1, Math.max(2, runs / 3), () -> {
                try (NDManager call = m.newSubManager()) {
                    float[] data = new float[b * pix];
                    List<byte[]> images = new ArrayList<>();
                    for (int i = 0; i < b; i++) {
                        images.add(resized(jpeg, s));
                        System.arraycopy(ImageLoader.normalize(images.get(i)), 0, data, i * pix, pix);
                    }
                    search.search(call.create(data, new Shape(b, 3, s, s)), cells(call, images));
                }
            });
            out.put("batch" + b + "_images_per_s" + suffix, b * 1000.0 / t.median());
        }
    }

    /**
     * JVM start to first caption: saves the model and runs {@code kvcap caption} on the JPEG in a
     * fresh JVM (same JVM flags and class path as this one, plus the JIT flag {@code bin/kvcap}
     * gives {@code caption}: system property {@code kvcap.cli-jit}), three times; files are in
     * the page cache, the JVM and libtorch are cold.
     */
    private void coldStart(KvmCaptionModel model, Path scratch, Path jpeg, Map<String, Object> out) throws IOException {
        Path dir = scratch.resolve("model-" + config.preset());
        List<List<String>> captions = new ArrayList<>();
        for (int i = Vocabulary.SPECIALS; i < vocab; i++) {
            captions.add(List.of("w" + i));
        }
        new SavedModel(config, Vocabulary.build(captions, 1), model, cellIndex).writeInto(dir);
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        String cliJit = System.getProperty("kvcap.cli-jit", "");
        if (!cliJit.isBlank()) {
            cmd.add(cliJit);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.kvcap.cli.Main",
                "caption", "--model", dir.toString(), "--beam", "3", jpeg.toString()));
        double[] ms = new double[3];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                if (p.waitFor() != 0) {
                    throw new IOException("kvcap caption exited with " + p.exitValue() + ": " + String.join(" ", cmd));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        out.put("cold_cli_ms_median", new Timing("cold", ms).median());
    }

    /** Decoder cost per step at 1 and 3 rows; keys end with {@code suffix}. */
    private void decoderStep(KvmCaptionModel model, NDManager m, Map<String, Object> out, String suffix) {
        int s = config.model().imageSize();
        ParameterStore ps = new ParameterStore(m, false);
        for (int rows : new int[] {1, 3}) {
            try (NDManager call = m.newSubManager()) {
                NDList cells = cells(call, List.of(new byte[3 * s * s]));
                ImageContext ctx = model.encode(ps, call.randomNormal(new Shape(1, 3, s, s)), cells, false).repeat(rows);
                DecodeState[] state = {model.start(ps, ctx, false)};
                NDArray prev = call.create(new long[rows]).add(Vocabulary.START_ID);
                Timing t = Timing.of("step" + rows, warmup * 5, warmupMillis, runs * 5, () -> {
                    KvmCaptionModel.StepOutput o = model.step(ps, ctx, prev, state[0], false);
                    o.logits().logSoftmax(-1).toFloatArray();
                });
                out.put("decoder_step_ms_batch" + rows + suffix, t.median());
            }
        }
    }

    /**
     * Training steps as {@link dev.kvcap.train.Trainer} runs them (images channels-last); keys end
     * with {@code suffix}.
     */
    private void training(
            KvmCaptionModel model,
            NDManager m,
            TensorCasts layout,
            int batch,
            Map<String, Object> out,
            String suffix) {
        int s = config.model().imageSize();
        ParameterStore ps = new ParameterStore(m, false);
        AdamW opt = new AdamW(model.getParameters(), m, 0f, 2f);
        Random rng = new Random(1);
        Timing t = Timing.of("train", Math.max(1, warmup), Math.max(2, runs / 2), () -> {
            try (NDManager step = m.newSubManager()) {
                NDArray images = layout.inGraph(step.randomNormal(new Shape(batch, 3, s, s)));
                long[] tok = new long[batch * (words + 1)];
                for (int i = 0; i < tok.length; i++) {
                    tok[i] = Vocabulary.SPECIALS + rng.nextInt(vocab - Vocabulary.SPECIALS);
                }
                NDArray tokens = step.create(tok, new Shape(batch, words + 1));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDList cells = model.readsCells() ? randomCellInputs(step, batch, rng) : null;
                    NDArray logits = model.logits(ps, model.encode(ps, images, cells, true), tokens.get(":, :-1"), true);
                    gc.backward(CaptionLoss.of(logits, tokens.get(":, 1:")));
                }
                opt.step(1e-4f);
            }
        });
        out.put("train_batch", batch);
        out.put("train_step_ms_median" + suffix, t.median());
        out.put("train_images_per_s" + suffix, batch * 1000.0 / t.median());
    }

    /** The retrieval memory's cells of prepared images (CHW bytes), or null for a model without one. */
    private NDList cells(NDManager call, List<byte[]> images) {
        return cellSearch == null ? null : cellSearch.cells(call, images, null);
    }

    /** {@value #CELL_ENTRIES} random thumbnails, each with the key words of two random captions. */
    private static CellIndex randomCells(int vocab) {
        Random r = new Random(3);
        CellIndex index = new CellIndex();
        for (int e = 0; e < CELL_ENTRIES; e++) {
            byte[] thumb = new byte[CellIndex.WIDTH];
            r.nextBytes(thumb);
            List<int[]> captions = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                captions.add(r.ints(4, Vocabulary.SPECIALS, vocab).distinct().toArray());
            }
            index.add(thumb, captions, new long[] {r.nextLong(), r.nextLong()}, List.of());
        }
        return index;
    }

    /** Cells for a training batch as the trainer feeds them: random words, every cell filled. */
    private NDList randomCellInputs(NDManager step, int batch, Random rng) {
        int k = config.model().memoryCells();
        List<CellIndex.Cells> cells = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            int[] words = rng.ints(k, Vocabulary.SPECIALS, vocab).toArray();
            float[] shares = new float[k];
            Arrays.fill(shares, 0.5f);
            cells.add(new CellIndex.Cells(words, shares));
        }
        return MemoryCells.inputs(step, cells, k);
    }

    /** A photo-sized test picture with gradients and shapes, so JPEG decoding does real work. */
    static BufferedImage photoLike(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        Random r = new Random(7);
        for (int y = 0; y < h; y += 4) {
            g.setColor(new Color(r.nextInt(256), (y * 255) / h, 128));
            g.fillRect(0, y, w, 4);
        }
        for (int i = 0; i < 20; i++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillOval(r.nextInt(w), r.nextInt(h), 20 + r.nextInt(120), 20 + r.nextInt(120));
        }
        g.dispose();
        return img;
    }
}

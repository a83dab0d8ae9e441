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
import dev.kvcap.data.ImageLoader;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.infer.CaptionSearch;
import dev.kvcap.model.DecodeState;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.train.AdamW;
import dev.kvcap.train.CaptionLoss;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Measures one preset: caption latency (image file → caption, split into preparation, encoder and
 * decoder), decoder cost per step at batch 1 and beam 3, and training throughput. The model has
 * random weights, which cost the same as trained ones; every caption is forced to exactly {@code
 * words} words (min length = max length) so runs are comparable.
 */
public final class Bench {

    private final KvcapConfig config;
    private final int vocab;
    private final int words;
    private final int warmup;
    private final int runs;

    /**
     * @param vocab vocabulary size to build the model with (output layer width)
     * @param words caption length forced on every decode
     */
    public Bench(KvcapConfig config, int vocab, int words, int warmup, int runs) {
        this.config = config;
        this.vocab = vocab;
        this.words = words;
        this.warmup = warmup;
        this.runs = runs;
    }

    /** All figures, keyed for the JSON report. */
    public Map<String, Object> run(int trainBatch, Path scratch) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("preset", config.preset());
        out.put("image_size", config.model().imageSize());
        out.put("threads", System.getProperty("ai.djl.pytorch.num_threads"));
        out.put("words", words);
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(config.model(), vocab);
            model.initialize(m);
            latency(model, m, scratch, out);
            decoderStep(model, m, out);
            training(model, m, trainBatch, out);
        }
        out.put("peak_rss_mib", PeakMemory.mib());
        return out;
    }

    private void latency(KvmCaptionModel model, NDManager m, Path scratch, Map<String, Object> out)
            throws IOException {
        int s = config.model().imageSize();
        Path jpeg = scratch.resolve("bench-" + s + ".jpg");
        ImageIO.write(photoLike(640, 480), "jpg", jpeg.toFile());
        DecodeConfig decode = new DecodeConfig(3, words, words, 0f, false);
        CaptionSearch search = new CaptionSearch(model, decode, Vocabulary.PAD_ID, Vocabulary.START_ID, Vocabulary.END_ID, false);
        ParameterStore ps = new ParameterStore(m, false);
        float[][] pixels = new float[1][];
        Timing prepare =
                Timing.of("prepare", warmup, runs, () -> pixels[0] = ImageLoader.normalize(ImageLoader.resizeToBytes(ImageLoader.readRgb(jpeg), s)));
        Timing encoder =
                Timing.of("encoder", warmup, runs, () -> {
                    try (NDManager call = m.newSubManager()) {
                        NDArray x = call.create(pixels[0], new Shape(1, 3, s, s));
                        model.encode(ps, x, false).global().toFloatArray();
                    }
                });
        Timing total =
                Timing.of("caption", warmup, runs, () -> {
                    try (NDManager call = m.newSubManager()) {
                        float[] px = ImageLoader.normalize(ImageLoader.resizeToBytes(ImageLoader.readRgb(jpeg), s));
                        search.search(call.create(px, new Shape(1, 3, s, s)));
                    }
                });
        out.put("latency_ms_median", total.median());
        out.put("latency_ms_p90", total.percentile(90));
        out.put("prepare_ms_median", prepare.median());
        out.put("encoder_ms_median", encoder.median());
        out.put("decoder_ms_median", Math.max(0, total.median() - prepare.median() - encoder.median()));
    }

    private void decoderStep(KvmCaptionModel model, NDManager m, Map<String, Object> out) {
        int s = config.model().imageSize();
        ParameterStore ps = new ParameterStore(m, false);
        for (int rows : new int[] {1, 3}) {
            try (NDManager call = m.newSubManager()) {
                ImageContext ctx = model.encode(ps, call.randomNormal(new Shape(1, 3, s, s)), false).repeat(rows);
                DecodeState[] state = {model.start(ps, ctx, false)};
                NDArray prev = call.create(new long[rows]).add(Vocabulary.START_ID);
                Timing t = Timing.of("step" + rows, warmup * 5, runs * 5, () -> {
                    KvmCaptionModel.StepOutput o = model.step(ps, ctx, prev, state[0], false);
                    o.logits().logSoftmax(-1).toFloatArray();
                });
                out.put("decoder_step_ms_batch" + rows, t.median());
            }
        }
    }

    private void training(KvmCaptionModel model, NDManager m, int batch, Map<String, Object> out) {
        int s = config.model().imageSize();
        ParameterStore ps = new ParameterStore(m, false);
        AdamW opt = new AdamW(model.getParameters(), m, 0f, 2f);
        Random rng = new Random(1);
        Timing t = Timing.of("train", Math.max(1, warmup), Math.max(2, runs / 2), () -> {
            try (NDManager step = m.newSubManager()) {
                NDArray images = step.randomNormal(new Shape(batch, 3, s, s));
                long[] tok = new long[batch * (words + 1)];
                for (int i = 0; i < tok.length; i++) {
                    tok[i] = Vocabulary.SPECIALS + rng.nextInt(vocab - Vocabulary.SPECIALS);
                }
                NDArray tokens = step.create(tok, new Shape(batch, words + 1));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.forward(ps, new NDList(images, tokens.get(":, :-1")), true).head();
                    gc.backward(CaptionLoss.of(logits, tokens.get(":, 1:")));
                }
                opt.step(1e-4f);
            }
        });
        out.put("train_batch", batch);
        out.put("train_step_ms_median", t.median());
        out.put("train_images_per_s", batch * 1000.0 / t.median());
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

package dev.kvcap.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.Presets;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.KvmCaptionModel;
import java.util.Arrays;
import java.util.Random;

/**
 * One training step of a preset on random data, repeated, split into forward, backward and
 * optimiser (a {@code main}, not a test). Usage, after {@code ./mvnw -q test-compile}:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) dev.kvcap.train.TrainProbe small 64 12 10}
 * (preset, batch, words, steps); {@code PROFILE=/tmp/t.json} also writes a libtorch profile of one step;
 * {@code BF16=1} trains the encoder's convolutions in bf16 ({@code KvmCaptionModel.trainWith}).
 */
public class TrainProbe {
    /** Images channels-last, as the Trainer feeds them; {@code NCHW=1} feeds them NCHW instead. */
    static final dev.kvcap.model.TensorCasts LAYOUT =
            System.getenv("NCHW") == null ? dev.kvcap.model.TensorCasts.channelsLast() : null;

    public static void main(String[] a) {
        KvcapConfig c = Presets.named(a[0]);
        int batch = Integer.parseInt(a[1]);
        int words = Integer.parseInt(a[2]);
        int n = Integer.parseInt(a[3]);
        int vocab = 10000;
        int s = c.model().imageSize();
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            KvmCaptionModel model = new KvmCaptionModel(c.model(), vocab);
            model.initialize(m);
            if (System.getenv("BF16") != null) {
                model.trainWith(dev.kvcap.model.TensorCasts.bf16());
            }
            ParameterStore ps = new ParameterStore(m, false);
            AdamW opt = new AdamW(model.getParameters(), m, 0f, 2f);
            Random rng = new Random(1);
            double[][] t = new double[3][n];
            for (int i = 0; i <= n; i++) {
                boolean profile = i == n && System.getenv("PROFILE") != null;
                if (i == n && !profile) {
                    break;
                }
                if (profile) {
                    ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
                }
                try (NDManager step = m.newSubManager()) {
                    NDArray images = step.randomNormal(new Shape(batch, 3, s, s));
                    if (LAYOUT != null) {
                        images = LAYOUT.inGraph(images);
                    }
                    long[] tok = new long[batch * (words + 1)];
                    for (int k = 0; k < tok.length; k++) {
                        tok[k] = Vocabulary.SPECIALS + rng.nextInt(vocab - Vocabulary.SPECIALS);
                    }
                    NDArray tokens = step.create(tok, new Shape(batch, words + 1));
                    long t0 = System.nanoTime();
                    long t1;
                    long t2;
                    float loss;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.forward(ps, new NDList(images, tokens.get(":, :-1")), true).head();
                        NDArray l = CaptionLoss.of(logits, tokens.get(":, 1:"));
                        loss = l.getFloat();
                        t1 = System.nanoTime();
                        gc.backward(l);
                        t2 = System.nanoTime();
                    }
                    opt.step(1e-4f);
                    long t3 = System.nanoTime();
                    if (i < n) {
                        t[0][i] = (t1 - t0) / 1e6;
                        t[1][i] = (t2 - t1) / 1e6;
                        t[2][i] = (t3 - t2) / 1e6;
                        System.out.printf("step %d loss %.4f: forward %.1f, backward %.1f, optimiser %.1f ms%n",
                                i, loss, t[0][i], t[1][i], t[2][i]);
                    }
                }
                if (profile) {
                    ai.djl.pytorch.jni.JniUtils.stopProfile(System.getenv("PROFILE"));
                }
            }
            String[] names = {"forward", "backward", "optimiser"};
            double total = 0;
            for (int k = 0; k < 3; k++) {
                double[] x = t[k].clone();
                Arrays.sort(x);
                double med = x[n / 2];
                total += med;
                System.out.printf("%s median %.1f ms%n", names[k], med);
            }
            System.out.printf("%s batch %d: %.1f images/s (sum of medians %.1f ms)%n", a[0], batch, batch * 1000 / total, total);
        }
    }
}

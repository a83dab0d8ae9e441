package dev.kvcap.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.kvcap.data.ImageLoader;
import dev.kvcap.model.DecodeState;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One decoding step's time per trained model, to see what the memory costs a word (issue 15;
 * {@link StepProbe} builds untrained presets instead): beam 3 rows of one image, the same words
 * every step (no reordering), the models alternating in short rounds; prints each model's fastest
 * and median round. {@code PROFILE=/tmp/p} also writes a libtorch profile of
 * 200 steps per model (/tmp/p-N.json). Usage: ModelStepProbe IMAGE ROUNDS STEPS MODEL_DIR...
 */
public final class ModelStepProbe {

    private record Loaded(String name, Captioner captioner, ImageContext ctx, DecodeState state, NDArray words) {}

    public static void main(String[] a) throws Exception {
        int rounds = Integer.parseInt(a[1]);
        int steps = Integer.parseInt(a[2]);
        List<Loaded> models = new ArrayList<>();
        for (int i = 3; i < a.length; i++) {
            Captioner c = Captioner.load(Path.of(a[i]));
            JniUtils.setGradMode(false); // after the engine is loaded
            NDManager m = c.manager().newSubManager();
            byte[] p = c.prepare(Path.of(a[0]));
            KvmCaptionModel model = c.model().model();
            ParameterStore ps = new ParameterStore(m, false);
            int s = c.model().config().model().imageSize();
            NDArray images = m.create(ImageLoader.normalize(p), new Shape(1, 3, s, s));
            ImageContext ctx = model.encode(ps, images, c.cells(m, List.of(p), null), false).repeat(3);
            models.add(new Loaded(a[i], c, ctx, model.start(ps, ctx, false), m.create(new long[] {5, 6, 7})));
        }
        double[][] ms = new double[models.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < models.size(); i++) {
                long t0 = System.nanoTime();
                run(models.get(i), steps);
                ms[i][r] = (System.nanoTime() - t0) / 1e6 / steps;
            }
        }
        for (int i = 0; i < models.size(); i++) {
            Arrays.sort(ms[i]);
            System.out.printf("%s: fastest %.3f, median %.3f ms/step%n", models.get(i).name(), ms[i][0], ms[i][rounds / 2]);
            if (System.getenv("PROFILE") != null) {
                JniUtils.startProfile(false, false, false);
                run(models.get(i), 200);
                JniUtils.stopProfile(System.getenv("PROFILE") + "-" + (i + 1) + ".json");
            }
        }
        for (Loaded l : models) {
            l.captioner().close();
        }
    }

    private static void run(Loaded l, int steps) {
        KvmCaptionModel model = l.captioner().model().model();
        ParameterStore ps = new ParameterStore(l.ctx().global().getManager(), false);
        for (int t = 0; t < steps; t++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                KvmCaptionModel.StepOutput out = model.step(ps, l.ctx(), l.words(), l.state(), false);
                out.logits().logSoftmax(-1).toFloatArray();
            }
        }
    }
}

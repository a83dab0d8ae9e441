package dev.kvcap.infer;

import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.training.ParameterStore;
import dev.kvcap.config.*;
import dev.kvcap.model.*;

/**
 * Decoder cost per step at batch 1 for a preset with components switched off, to see where the
 * time goes (a {@code main}, not a test). Usage, after {@code ./mvnw -q test-compile} and
 * {@code ./mvnw -q dependency:build-classpath -Dmdep.outputFile=cp.txt}:
 * {@code [ROWS=3] java -cp target/classes:target/test-classes:$(cat cp.txt) dev.kvcap.infer.StepProbe vgg16 full|nomem|nomaps[+int8] 10000 [STEPS=60]}
 */
public class StepProbe {
    public static void main(String[] a) {
        ModelConfig c = Presets.named(a[0]).model();
        boolean mem = !a[1].contains("nomem"), maps = !a[1].contains("nomaps");
        c = new ModelConfig(c.imageSize(), c.encoderWidths(), c.convsPerStage(), c.batchNorm(), c.fcDims(), c.embedDim(), c.hiddenDim(), c.attnDim(), mem, c.memorySlots(), c.memoryValueDim(), c.memoryControllerDim(), maps, c.deconvChannels(), c.dropout(), c.globalProj(), c.memoryCells(), c.memoryNeighbours(), c.memoryFeatures(), c.memoryVotePower(), c.memoryWrite());
        int vocab = Integer.parseInt(a[2]);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(c, vocab);
            model.initialize(m);
            model.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
            Int8Linears int8 = a[1].contains("int8") ? Int8Linears.load() : null;
            if (int8 != null) {
                model.decodeWith(int8);
            }
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            ParameterStore ps = new ParameterStore(m, false);
            int s = c.imageSize();
            int rows = System.getenv("ROWS") == null ? 1 : Integer.parseInt(System.getenv("ROWS"));
            ImageContext ctx = model.encode(ps, m.randomNormal(new Shape(1, 3, s, s)), false).repeat(rows);
            DecodeState st = model.start(ps, ctx, false);
            NDArray prev = m.create(new long[rows]).add(1);
            int n = a.length > 3 ? Integer.parseInt(a[3]) : 60;
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                try (NDScope sc = new NDScope()) {
                    long t0 = System.nanoTime();
                    KvmCaptionModel.StepOutput o = model.step(ps, ctx, prev, st, false);
                    o.logits().logSoftmax(-1).toFloatArray();
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            if (System.getenv("PROFILE") != null) {
                ai.djl.pytorch.jni.JniUtils.startProfile(false, false, false);
                for (int i = 0; i < 20; i++) {
                    try (NDScope sc = new NDScope()) {
                        model.step(ps, ctx, prev, st, false).logits().logSoftmax(-1).toFloatArray();
                    }
                }
                ai.djl.pytorch.jni.JniUtils.stopProfile(System.getenv("PROFILE"));
            }
            java.util.Arrays.sort(t);
            System.out.printf("%s %s vocab %d, %d rows: step median %.2f ms%n", a[0], a[1], vocab, rows, t[n / 2]);
        }
    }
}

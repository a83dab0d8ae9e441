package dev.kvcap.infer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.Presets;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.KvmCaptionModel;

/**
 * Beam-3 search of one image, repeated, for profiling where a caption's time goes outside the
 * model step (a {@code main}, not a test). Usage, after {@code ./mvnw -q test-compile}:
 * {@code [CAST=fp32|bf16] [INT8=1] java -XX:StartFlightRecording=filename=/tmp/s.jfr -cp target/classes:target/test-classes:$(cat cp.txt) dev.kvcap.infer.SearchProbe small 12 200 [BEAM=3 [BATCH=1]]}
 */
public class SearchProbe {
    public static void main(String[] a) {
        KvcapConfig c = Presets.named(a[0]);
        int words = Integer.parseInt(a[1]);
        int n = Integer.parseInt(a[2]);
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = new KvmCaptionModel(c.model(), 10000);
            model.initialize(m);
            model.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(false));
            if (System.getenv("CAST") != null) { // channels-last (fp32) or bf16, as Captioner runs the encoder
                model.encodeWith(System.getenv("CAST").equals("bf16")
                        ? dev.kvcap.model.TensorCasts.bf16() : dev.kvcap.model.TensorCasts.channelsLast());
            }
            if (System.getenv("INT8") != null) {
                model.decodeWith(dev.kvcap.model.Int8Linears.load());
            }
            CaptionSearch search =
                    new CaptionSearch(model, new DecodeConfig(a.length > 3 ? Integer.parseInt(a[3]) : 3, words, words, 0f, false), false);
            int s = c.model().imageSize();
            int batch = a.length > 4 ? Integer.parseInt(a[4]) : 1;
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                try (NDScope scope = new NDScope(); NDManager call = m.newSubManager()) {
                    scope.suppressNotUsedWarning();
                    long t0 = System.nanoTime();
                    search.search(call.randomNormal(new Shape(batch, 3, s, s)));
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            if (System.getenv("PROFILE") != null) {
                ai.djl.pytorch.jni.JniUtils.startProfile(false, false, false);
                try (NDScope scope = new NDScope(); NDManager call = m.newSubManager()) {
                    scope.suppressNotUsedWarning();
                    search.search(call.randomNormal(new Shape(batch, 3, s, s)));
                }
                ai.djl.pytorch.jni.JniUtils.stopProfile(System.getenv("PROFILE"));
            }
            java.util.Arrays.sort(t);
            System.out.printf("%s beam %s, %d words, batch %d: search median %.2f ms (%.1f images/s)%n",
                    a[0], a.length > 3 ? a[3] : "3", words, batch, t[n / 2], batch * 1000 / t[n / 2]);
        }
    }
}

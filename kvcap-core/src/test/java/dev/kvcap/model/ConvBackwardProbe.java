package dev.kvcap.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.Arrays;

/**
 * Checks libtorch's convolution backward pass on this CPU for one shape: the same gradients, finite,
 * call after call (a {@code main}, not a test). With {@code product} it runs {@link
 * StrideTwoDeconv#phaseProduct} instead, which training uses. Usage, in {@code kvcap-core/} after
 * {@code ./mvnw -q package -DskipTests} at the root: {@code java -Dai.djl.offline=true -cp
 * "target/classes:target/test-classes:target/lib/*" dev.kvcap.model.ConvBackwardProbe
 * BATCH IN OUT SIDE CALLS [conv|product]}; the attention maps' second deconvolution in {@code small}
 * is {@code 24 8 4 16 40}. On an AMD EPYC (AVX-512) the convolution gave non-finite gradients in 13
 * to 22 of 40 calls there, the product in none (docs/REAL-DATA.md).
 */
public class ConvBackwardProbe {

    public static void main(String[] a) {
        int b = Integer.parseInt(a[0]);
        int c = Integer.parseInt(a[1]);
        int o = Integer.parseInt(a[2]);
        int n = Integer.parseInt(a[3]);
        int calls = Integer.parseInt(a[4]);
        boolean product = a.length > 5 && a[5].equals("product");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(b, c, n, n));
            NDArray w = m.randomNormal(new Shape(o, c, 2, 2));
            NDArray bias = m.randomNormal(new Shape(o));
            NDArray up = m.randomNormal(new Shape(b, o, n + 1, n + 1));
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            bias.setRequiresGradient(true); // as in training: without it the fault did not show
            float[] first = null;
            int differing = 0;
            int nonFinite = 0;
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                float[] g;
                try (NDManager call = m.newSubManager()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray z = product
                                ? StrideTwoDeconv.phaseProduct(x, w, bias)
                                : Conv2d.conv2d(x, w, bias, new Shape(1, 1), new Shape(1, 1)).head();
                        gc.backward(z.mul(up).sum());
                    }
                    float[] gx = x.getGradient().toFloatArray();
                    float[] gw = w.getGradient().toFloatArray();
                    g = Arrays.copyOf(gx, gx.length + gw.length); // the input's gradient, then the kernel's
                    System.arraycopy(gw, 0, g, gx.length, gw.length);
                    x.getGradient().subi(x.getGradient());
                    w.getGradient().subi(w.getGradient());
                    bias.getGradient().subi(bias.getGradient());
                }
                boolean finite = true;
                for (float v : g) {
                    finite &= Float.isFinite(v);
                }
                nonFinite += finite ? 0 : 1;
                if (first == null) {
                    first = g;
                } else if (!Arrays.equals(first, g)) {
                    differing++;
                }
            }
            System.out.printf(
                    "%s, batch %d, %d -> %d channels, %dx%d: %d of %d calls non-finite, %d differ from the first; %.3f ms a call (forward, backward, reading the gradients)%n",
                    product ? "phase product" : "convolution", b, c, o, n, n, nonFinite, calls, differing,
                    (System.nanoTime() - start) / 1e6 / calls);
        }
    }
}

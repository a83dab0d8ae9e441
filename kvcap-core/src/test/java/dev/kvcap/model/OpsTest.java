package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OpsTest {

    @Test
    void aLoneSmallImageConvolvesToWhatLibtorchsOwnKernelGives() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(1, 3, 16, 16)); // 768 values: libtorch's own kernel
            NDArray w = m.randomNormal(new Shape(4, 3, 3, 3));
            NDArray b = m.randomNormal(new Shape(4));
            Shape one = new Shape(1, 1);
            NDArray own = Conv2d.conv2d(x, w, b, one, one).head();
            NDArray viaOneDnn = Ops.conv2d(x, w, b, one, one);
            assertEquals(own.getShape(), viaOneDnn.getShape());
            assertArrayEquals(own.toFloatArray(), viaOneDnn.toFloatArray(), 1e-4f);
            NDArray pair = x.concat(x.add(1), 0); // a batch of two is convolved as it always was
            assertArrayEquals(Conv2d.conv2d(pair, w, b, one, one).head().toFloatArray(), Ops.conv2d(pair, w, b, one, one).toFloatArray());
        }
    }

    @Test
    void aLoneSmallImageLeavesNoLibtorchWarningOnStderr() throws Exception {
        String plain = convolveInAnotherProcess("plain");
        // where NNPACK works, or libtorch stays quiet, there is nothing to tell apart
        assumeTrue(plain.contains("NNPACK"), "libtorch's own kernel printed no NNPACK warning on this CPU");
        String ops = convolveInAnotherProcess("ops");
        assertFalse(ops.contains("NNPACK"), ops);
    }

    /** Native code writes to the process's stderr, which only another process can read. */
    private static String convolveInAnotherProcess(String how) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                        LoneConvolution.class.getName(), how)
                .redirectErrorStream(true)
                .start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        return out;
    }

    /** Convolves one 3×16×16 image, with libtorch's {@code plain} call or through {@link Ops#conv2d}. */
    public static final class LoneConvolution {
        public static void main(String[] a) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.ones(new Shape(1, 3, 16, 16));
                NDArray w = m.ones(new Shape(4, 3, 3, 3));
                NDArray b = m.zeros(new Shape(4));
                Shape one = new Shape(1, 1);
                NDArray y = a[0].equals("plain") ? Conv2d.conv2d(x, w, b, one, one).head() : Ops.conv2d(x, w, b, one, one);
                System.out.println("sum " + y.sum().getFloat());
            }
        }
    }
}

package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
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
}

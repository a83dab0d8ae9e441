package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import org.junit.jupiter.api.Test;

class LstmCellTest {

    @Test
    void writtenOutStepMatchesDjlLstmForward() {
        try (NDManager m = NDManager.newBaseManager()) {
            LSTM lstm =
                    LSTM.builder().setStateSize(6).setNumLayers(1).optBatchFirst(true).optReturnState(true).build();
            lstm.setInitializer(new NormalInitializer(0.5f), ai.djl.nn.Parameter.Type.BIAS);
            lstm.initialize(m, DataType.FLOAT32, new Shape(3, 1, 5));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(3, 5));
            NDArray h = m.randomNormal(new Shape(1, 3, 6));
            NDArray c = m.randomNormal(new Shape(1, 3, 6));

            NDList expected = lstm.forward(ps, new NDList(x.expandDims(1), h, c), false);
            NDList actual = new LstmCell(lstm).step(ps, x, h.squeeze(0), c.squeeze(0), false);

            assertArrayEquals(expected.get(0).squeeze(1).toFloatArray(), actual.get(0).toFloatArray(), 1e-5f);
            assertArrayEquals(expected.get(1).toFloatArray(), actual.get(0).toFloatArray(), 1e-5f); // h'
            assertArrayEquals(expected.get(2).toFloatArray(), actual.get(1).toFloatArray(), 1e-5f); // c'
        }
    }
}

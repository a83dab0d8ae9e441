package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyValueMemoryTest {

    @Test
    void aShareOfTheReadGoesToTheGivenSlotsWhileTheWriteIsUnchanged() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            KeyValueMemory memory = new KeyValueMemory(4, 6, 5, 7);
            memory.initialize(m, DataType.FLOAT32, new Shape(2, 6), new Shape(2, 3));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray word = m.randomNormal(new Shape(2, 6));
            NDArray global = m.randomNormal(new Shape(2, 3));
            KeyValueMemory.MemoryState start = memory.initialState(ps, m, 2, false);
            // step once so the values differ per row, then compare reads from that state
            KeyValueMemory.MemoryState state = memory.step(ps, word, global, start, false).next();

            KeyValueMemory.Read plain = memory.step(ps, word, global, state, false);
            NDArray share = m.create(new float[] {0, 0, 0, 0, /* row 1: all of it on slot 2 */ 0, 0, 1, 0}, new Shape(2, 4));
            KeyValueMemory.Read shared = memory.step(ps, word, global, state, share, false);

            float[] plainRead = plain.read().toFloatArray();
            float[] sharedRead = shared.read().toFloatArray();
            float[] slot2 = state.values().get("1, 2, :").toFloatArray();
            assertArrayEquals(Arrays.copyOfRange(plainRead, 0, 5), Arrays.copyOfRange(sharedRead, 0, 5), 1e-6f);
            assertArrayEquals(slot2, Arrays.copyOfRange(sharedRead, 5, 10), 1e-6f);
            assertArrayEquals(plain.weights().toFloatArray(), shared.weights().toFloatArray(), 1e-6f);
            assertArrayEquals(plain.next().values().toFloatArray(), shared.next().values().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void halfTheReadOnASlotMixesTheModelsReadWithThatSlotsValue() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(6);
            KeyValueMemory memory = new KeyValueMemory(3, 4, 2, 5);
            memory.initialize(m, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 3));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray word = m.randomNormal(new Shape(1, 4));
            NDArray global = m.randomNormal(new Shape(1, 3));
            KeyValueMemory.MemoryState state = memory.initialState(ps, m, 1, false);
            float[] plain = memory.step(ps, word, global, state, false).read().toFloatArray();
            float[] half = memory.step(ps, word, global, state, m.create(new float[] {0.5f, 0, 0}, new Shape(1, 3)), false)
                    .read().toFloatArray();
            float[] slot0 = state.values().get("0, 0, :").toFloatArray();
            for (int j = 0; j < plain.length; j++) {
                assertEquals(0.5f * plain[j] + 0.5f * slot0[j], half[j], 1e-6f);
            }
        }
    }
}

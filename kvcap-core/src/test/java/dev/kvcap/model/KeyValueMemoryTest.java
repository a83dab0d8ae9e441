package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyValueMemoryTest {

    /** A memory of {@code slots} slots (key width 6, values 5, controller 7) and one step's inputs. */
    private record Fixture(KeyValueMemory memory, ParameterStore ps, NDArray word, NDArray global) {

        static Fixture of(NDManager m, int batch, int slots, int seed) {
            Engine.getInstance().setRandomSeed(seed);
            KeyValueMemory memory = new KeyValueMemory(slots, false, 6, 5, 7);
            memory.initialize(m, DataType.FLOAT32, new Shape(batch, 6), new Shape(batch, 3));
            return new Fixture(
                    memory, new ParameterStore(m, false), m.randomNormal(new Shape(batch, 6)), m.randomNormal(new Shape(batch, 3)));
        }

        KeyValueMemory.Read step(KeyValueMemory.MemoryState state, NDArray share) {
            return memory.step(ps, word, global, null, state, share, null, false);
        }
    }

    @Test
    void aMemoryThatOnlyReadsKeepsItsValuesAndReadsAsTheWritingOneDoesBeforeItsFirstWrite() {
        try (NDManager m = NDManager.newBaseManager()) {
            Fixture writing = Fixture.of(m, 2, 4, 8);
            Engine.getInstance().setRandomSeed(8);
            KeyValueMemory reading = new KeyValueMemory(4, false, 6, 5, 7, false);
            reading.initialize(m, DataType.FLOAT32, new Shape(2, 6), new Shape(2, 3));
            assertTrue(reading.getChildren().keys().stream().noneMatch(k -> k.endsWith("erase") || k.endsWith("add")), "no erase or add maps to train: " + reading.getChildren().keys());
            assertTrue(writing.memory().getChildren().keys().stream().anyMatch(k -> k.endsWith("erase")), "child blocks are named like " + writing.memory().getChildren().keys());
            var twinParameters = writing.memory().getParameters();
            for (var p : reading.getParameters()) { // the same weights as the writing memory
                p.getValue().getArray().set(twinParameters.get(p.getKey()).getArray().toFloatArray());
            }
            KeyValueMemory.MemoryState start = reading.initialState(writing.ps(), m, 2, null, false);
            KeyValueMemory.Read first = reading.step(writing.ps(), writing.word(), writing.global(), null, start, null, null, false);
            KeyValueMemory.Read twin = writing.step(writing.memory().initialState(writing.ps(), m, 2, null, false), null);
            assertArrayEquals(twin.read().toFloatArray(), first.read().toFloatArray(), 1e-6f, "the same read from the same values");
            assertArrayEquals(twin.next().h().toFloatArray(), first.next().h().toFloatArray(), 1e-6f);
            assertArrayEquals(start.values().toFloatArray(), first.next().values().toFloatArray(), 0f, "nothing written");
            assertFalse(Arrays.equals(start.values().toFloatArray(), twin.next().values().toFloatArray()), "the writing one writes");
        }
    }

    @Test
    void aShareOfTheReadGoesToTheGivenSlotsWhileTheWriteIsUnchanged() {
        try (NDManager m = NDManager.newBaseManager()) {
            Fixture f = Fixture.of(m, 2, 4, 5);
            // step once so the values differ per row, then compare reads from that state
            KeyValueMemory.MemoryState state = f.step(f.memory().initialState(f.ps(), m, 2, null, false), null).next();

            KeyValueMemory.Read plain = f.step(state, null);
            NDArray share = m.create(new float[] {0, 0, 0, 0, /* row 1: all of it on slot 2 */ 0, 0, 1, 0}, new Shape(2, 4));
            KeyValueMemory.Read shared = f.step(state, share);

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
            Fixture f = Fixture.of(m, 1, 3, 6);
            KeyValueMemory.MemoryState state = f.memory().initialState(f.ps(), m, 1, null, false);
            float[] plain = f.step(state, null).read().toFloatArray();
            float[] half = f.step(state, m.create(new float[] {0.5f, 0, 0}, new Shape(1, 3))).read().toFloatArray();
            float[] slot0 = state.values().get("0, 0, :").toFloatArray();
            for (int j = 0; j < plain.length; j++) {
                assertEquals(0.5f * plain[j] + 0.5f * slot0[j], half[j], 1e-6f);
            }
        }
    }

    @Test
    void theImagesGatesMadeOnceGiveTheSameStepAsTheWholeInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            Fixture f = Fixture.of(m, 3, 4, 7);
            KeyValueMemory.MemoryState state = f.step(f.memory().initialState(f.ps(), m, 3, null, false), null).next();
            NDArray gates = f.memory().imageGates(f.ps(), f.global(), false);
            KeyValueMemory.Read whole = f.step(state, null);
            KeyValueMemory.Read split = f.memory().step(f.ps(), f.word(), f.global(), gates, state, null, null, false);
            assertArrayEquals(whole.read().toFloatArray(), split.read().toFloatArray(), 1e-5f);
            assertArrayEquals(whole.next().h().toFloatArray(), split.next().h().toFloatArray(), 1e-5f);
            assertArrayEquals(whole.next().c().toFloatArray(), split.next().c().toFloatArray(), 1e-5f);
            assertArrayEquals(whole.next().values().toFloatArray(), split.next().values().toFloatArray(), 1e-5f);
        }
    }
}

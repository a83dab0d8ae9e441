package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Everything the decoder carries from one word to the next: LSTM-1 and LSTM-2 states h1, c1,
 * h2, c2 [B, H] and, with the memory on, its per-caption values [B, K, Dv] and controller state
 * [B, Hm]. Every part has the batch first, so beam search reorders them all the same way.
 */
public record DecodeState(NDList lstm, KeyValueMemory.MemoryState memory) {

    /** The rows {@code index} [B'] (int64) of every part, in that order: beam search reorders. */
    public DecodeState select(NDArray index) {
        NDList lstmRows = new NDList(lstm.size());
        for (NDArray a : lstm) {
            lstmRows.add(a.get(index));
        }
        KeyValueMemory.MemoryState mem = null;
        if (memory != null) {
            mem =
                    new KeyValueMemory.MemoryState(
                            memory.values().get(index), memory.h().get(index), memory.c().get(index));
        }
        return new DecodeState(lstmRows, mem);
    }

    /** Keeps every part alive past the {@link ai.djl.ndarray.NDScope} it was made in. */
    public void unregisterFromScope() {
        ai.djl.ndarray.NDScope.unregister(lstm);
        if (memory != null) {
            ai.djl.ndarray.NDScope.unregister(memory.values(), memory.h(), memory.c());
        }
    }

    /** Frees every part. */
    public void close() {
        lstm.close();
        if (memory != null) {
            new NDList(memory.values(), memory.h(), memory.c()).close();
        }
    }
}

package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * Everything the decoder carries from one word to the next: LSTM-1 and LSTM-2 states [1, B, H]
 * and, with the memory on, its per-caption values [B, K, Dv] and controller state [1, B, Hm].
 */
public record DecodeState(NDList lstm, KeyValueMemory.MemoryState memory) {

    /** The rows {@code index} [B'] (int64) of every part, in that order: beam search reorders. */
    public DecodeState select(NDArray index) {
        NDList lstmRows = new NDList(lstm.size());
        for (NDArray a : lstm) {
            lstmRows.add(a.get(new NDIndex(":, {}", index)));
        }
        KeyValueMemory.MemoryState mem = null;
        if (memory != null) {
            mem =
                    new KeyValueMemory.MemoryState(
                            memory.values().get(new NDIndex("{}", index)),
                            memory.h().get(new NDIndex(":, {}", index)),
                            memory.c().get(new NDIndex(":, {}", index)));
        }
        return new DecodeState(lstmRows, mem);
    }
}

package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Everything the decoder carries from one word to the next: LSTM-1 and LSTM-2 states h1, c1,
 * h2, c2 [B, H] and, with the memory on, its per-caption values [B, K, Dv] and controller state
 * [B, Hm] (none when the decoder's LSTM-1 drives the memory). Every part has the batch first, so
 * beam search reorders them all the same way.
 */
public record DecodeState(NDList lstm, KeyValueMemory.MemoryState memory) {

    /** The rows {@code index} [B'] (int64) of every part, in that order: beam search reorders. */
    public DecodeState select(NDArray index) {
        return rows(part -> part.get(index));
    }

    /** The first {@code n} rows of every part (views): the rows still being read when shorter ones have ended. */
    DecodeState prefix(long n) {
        return rows(part -> part.get("0:" + n));
    }

    private DecodeState rows(UnaryOperator<NDArray> rowsOf) {
        NDList lstmRows = new NDList(lstm.size());
        for (NDArray a : lstm) {
            lstmRows.add(rowsOf.apply(a));
        }
        return new DecodeState(lstmRows, memory == null ? null : memory.rows(rowsOf));
    }

    /** Keeps every part alive past the {@link ai.djl.ndarray.NDScope} it was made in. */
    public void unregisterFromScope() {
        ai.djl.ndarray.NDScope.unregister(lstm);
        if (memory != null) {
            ai.djl.ndarray.NDScope.unregister(new NDList(memory.parts()));
        }
    }

    /**
     * Frees every part that {@code next} does not carry on: a step may hand a part on unchanged
     * (a memory that only reads keeps its values), and the next step still reads it.
     */
    public void closeReplacedBy(DecodeState next) {
        Set<NDArray> carried = Collections.newSetFromMap(new IdentityHashMap<>());
        carried.addAll(next.parts());
        for (NDArray a : parts()) {
            if (!carried.contains(a)) {
                a.close();
            }
        }
    }

    private List<NDArray> parts() {
        List<NDArray> all = new ArrayList<>(lstm);
        if (memory != null) {
            all.addAll(memory.parts());
        }
        return all;
    }

    /** Frees every part. */
    public void close() {
        lstm.close();
        if (memory != null) {
            new NDList(memory.parts()).close();
        }
    }
}

package dev.kvcap.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.kvcap.data.CellIndex;
import dev.kvcap.model.MemoryCells;
import java.util.ArrayList;
import java.util.List;

/**
 * The retrieval memory's cells of every image of a training or validation set, found once before
 * the first epoch ({@link CellIndex}), as batches read them: key word ids [B, K] (int64) and
 * shares [B, K].
 */
final class CellTable {

    private final List<CellIndex.Cells> cells; // per image
    private final int k;

    CellTable(List<CellIndex.Cells> cells, int k) {
        this.cells = cells;
        this.k = k;
    }

    /** The cells of images {@code idx[from..to)}: word ids [B, K] and shares [B, K]. */
    NDList batch(NDManager manager, int[] idx, int from, int to) {
        List<CellIndex.Cells> chosen = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            chosen.add(cells.get(idx[i]));
        }
        return MemoryCells.inputs(manager, chosen, k);
    }

    /** Filled cells per image, on average: how much the neighbours had to say. */
    double meanFilled() {
        long filled = 0;
        for (CellIndex.Cells c : cells) {
            for (float s : c.shares()) {
                filled += s > 0 ? 1 : 0;
            }
        }
        return cells.isEmpty() ? 0 : (double) filled / cells.size();
    }
}

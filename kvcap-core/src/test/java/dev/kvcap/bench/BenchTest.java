package dev.kvcap.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.config.KvcapConfig;
import dev.kvcap.config.Presets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTest {

    @Test
    void aRetrievalMemoryIsMeasuredWithItsCellsFoundInAnIndexOfRealSize(@TempDir Path scratch) throws Exception {
        KvcapConfig retrieval = Presets.tiny().withModel(Presets.tiny().model().withMemoryCells(6, 3));
        Map<String, Object> out = new Bench(retrieval, 40, 3, 0, 1, 0).run(2, scratch);
        assertEquals(Bench.CELL_ENTRIES, out.get("cell_index_entries"));
        for (String key : new String[] {"latency_ms_median", "decoder_step_ms_batch3", "batch8_images_per_s", "cold_cli_ms_median", "train_images_per_s"}) {
            assertTrue(((Number) out.get(key)).doubleValue() > 0, key + " in " + out);
        }
    }
}

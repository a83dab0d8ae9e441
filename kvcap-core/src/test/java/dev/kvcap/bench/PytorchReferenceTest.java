package dev.kvcap.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.RepoRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison with the PyTorch reference, from a canned report: no Python needed. */
class PytorchReferenceTest {

    private static final String CANNED =
            """
            {
              "preset": "tiny", "image_size": 32, "threads": 2, "words": 4,
              "implementation": "pytorch", "torch_version": "1.13.0a0", "parameters": 70071,
              "latency_ms_median": 20.0, "latency_ms_p90": 25.0, "prepare_ms_median": 3.0,
              "encoder_ms_median": 0.5, "decoder_ms_median": 16.5,
              "decoder_step_ms_batch1": 0.2, "decoder_step_ms_batch3": 0.3,
              "train_batch": 8, "train_step_ms_median": 50.0, "train_images_per_s": 160.0,
              "peak_rss_mib": 263.5
            }
            """;

    private static Map<String, Object> kvcap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", "tiny");
        m.put("image_size", 32);
        m.put("latency_ms_median", 10.0);
        m.put("encoder_ms_median", 1.0);
        m.put("decoder_step_ms_batch1", 0.4);
        m.put("decoder_step_ms_batch3", 0.3);
        m.put("train_images_per_s", 80.0);
        m.put("peak_rss_mib", 700.0);
        return m;
    }

    @Test
    void parsesTheScriptsReport() throws IOException {
        Map<String, Object> pt = PytorchReference.parse(CANNED);
        assertEquals(20.0, pt.get("latency_ms_median"));
        assertEquals("1.13.0a0", pt.get("torch_version"));
        assertEquals(70071L, pt.get("parameters"));
    }

    @Test
    void refusesWhatIsNotAReport() {
        assertThrows(IOException.class, () -> PytorchReference.parse("{\"error\": \"no\"}"));
        assertThrows(IOException.class, () -> PytorchReference.parse("Traceback (most recent call last):"));
    }

    @Test
    void ratiosAboveOneMeanKvcapIsBetter() throws IOException {
        Map<String, Double> r = PytorchReference.ratios(kvcap(), PytorchReference.parse(CANNED));
        assertEquals(2.0, r.get("latency"), 1e-12); // PyTorch 20 ms / kvcap 10 ms
        assertEquals(0.5, r.get("encoder"), 1e-12); // 0.5 / 1.0
        assertEquals(0.5, r.get("decoder_step_batch1"), 1e-12);
        assertEquals(1.0, r.get("decoder_step_batch3"), 1e-12);
        assertEquals(0.5, r.get("train_images_per_s"), 1e-12); // throughput: kvcap 80 / PyTorch 160
    }

    @Test
    void figuresMissingOrZeroOnEitherSideAreLeftOut() throws IOException {
        Map<String, Object> k = kvcap();
        k.remove("encoder_ms_median");
        k.put("train_images_per_s", 0.0);
        Map<String, Double> r = PytorchReference.ratios(k, PytorchReference.parse(CANNED));
        assertFalse(r.containsKey("encoder"));
        assertFalse(r.containsKey("train_images_per_s"));
        assertTrue(r.containsKey("latency"));
    }

    @Test
    void tablesShowBothSidesAndTheRatio() throws IOException {
        Map<String, Object> k = kvcap();
        k.put("pytorch", PytorchReference.parse(CANNED));
        Map<String, Object> without = kvcap();
        without.put("preset", "small");
        String md = PytorchReference.markdown(List.of(k, without));
        assertTrue(md.contains("| tiny 32² (PyTorch 1.13.0a0) | caption ms, fp32 | 10.0 | 20.0 | **2.00×** |"), md);
        assertTrue(md.contains("| decoder step ms, batch 1 | 0.40 | 0.20 | **0.50×** |"), md);
        assertTrue(md.contains("| peak RSS MiB | 700.0 | 263.5 | **0.38×** |"), md);
        assertTrue(md.contains("| caption ms, bf16 encoder | NaN | NaN | - |"), md); // not in either report
        assertFalse(md.contains("small"), md);
        assertTrue(md.contains("ratio > 1 = kvcap better"), md);
        String text = PytorchReference.summary(List.of(k));
        assertTrue(text.contains("train img/s"), text);
        assertTrue(text.contains("2.00"), text);
    }

    @Test
    void findsTheScriptUnderTheFirstHomeThatHasIt(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path home = dir.resolve("home");
        Path script = home.resolve(PytorchReference.SCRIPT);
        Files.createDirectories(script.getParent());
        Files.writeString(script, "print('hi')\n");
        assertEquals(script, PytorchReference.findScript(List.of(empty, home)).orElseThrow());
        assertTrue(PytorchReference.findScript(List.of(empty)).isEmpty());
    }

    @Test
    void theRepositoryShipsTheScript() {
        assertTrue(Files.isRegularFile(RepoRoot.resolve(PytorchReference.SCRIPT)));
    }
}

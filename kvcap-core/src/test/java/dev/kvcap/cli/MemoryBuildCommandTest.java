package dev.kvcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kvcap memory build} on a tiny random model. */
class MemoryBuildCommandTest {

    @TempDir Path dir;

    @Test
    void captionsWhoseImagesAreAllMissingFailWithoutPrintingAResult() throws Exception {
        Path model = BadInputs.model(dir.resolve("model"));
        Path captions = BadInputs.writeText(dir.resolve("captions.json"), BadInputs.coco(3));
        Path images = Files.createDirectories(dir.resolve("no-images"));
        CliRun r = CliRun.of("memory", "build", "--model", model.toString(),
                "--captions", captions.toString(), "--images", images.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("", r.out(), "a failed command prints no result");
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("kvcap: ") && last.contains("nothing was added"), r.err());
    }
}

package dev.kvcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kvcap bench}'s checks before it measures. */
class BenchCommandTest {

    @TempDir Path dir;

    @Test
    void aMarkdownFileThatCannotBeAppendedToIsRefusedBeforeMeasuring() throws Exception {
        Path underFile = Files.writeString(dir.resolve("notes.txt"), "x").resolve("bench.md");
        Path linkIntoNothing = Files.createSymbolicLink(dir.resolve("link.md"), dir.resolve("missing/bench.md"));
        for (Path markdown : List.of(underFile, linkIntoNothing)) {
            CliRun r = CliRun.of("bench", "--quick", "--markdown", markdown.toString());
            assertEquals(1, r.code(), r.err());
            assertEquals("", r.out());
            assertFalse(r.err().contains("kvcap bench: tiny"), "refused before measuring: " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("kvcap: --markdown: cannot append to " + markdown), r.err());
        }
        assertFalse(Files.exists(dir.resolve("missing")));
    }

    @Test
    void checkingTheMarkdownFileLeavesNoFileBehind() throws Exception {
        Path markdown = dir.resolve("bench.md");
        CliRun r = CliRun.of("bench", "--quick", "--markdown", markdown.toString(), "--presets", "tiny");
        assertEquals(2, r.code(), r.err()); // --quick with --presets: refused after the file was checked
        assertFalse(Files.exists(markdown), "no partial output");
    }
}

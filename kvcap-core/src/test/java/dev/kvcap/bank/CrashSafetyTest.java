package dev.kvcap.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer in another JVM is killed (SIGKILL) while it adds and commits in a loop. Meanwhile this
 * process searches the bank read-only and is refused the write lock; afterwards the bank opens
 * for writing and holds exactly some committed count, at least the last one reported.
 */
class CrashSafetyTest {

    private static final int DIM = 32;
    private static final int BATCH = 200;
    private static final BankInfo INFO = new BankInfo("feedfacecafebeef", DIM);

    @TempDir Path tmp;

    @Test
    void aKillDuringWritesLeavesTheLastCommitIntactAndOtherProcessesCanReadMeanwhile() throws Exception {
        Path dir = tmp.resolve("memory");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child =
                new ProcessBuilder(
                                java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                                BankWriterChild.class.getName(), dir.toString(), INFO.modelId(),
                                String.valueOf(DIM), String.valueOf(BATCH))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        long lastReported = 0;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (int commits = 0; commits < 5; commits++) {
                String line = out.readLine();
                assertNotNull(line, "the child writer died early (see its stderr above)");
                lastReported = Long.parseLong(line.substring("committed ".length()));
            }
            // Another process, while the child holds the write lock and keeps writing:
            try (MemoryBank reader = MemoryBank.openReadOnly(dir, INFO)) {
                long seen = reader.size();
                assertTrue(seen >= lastReported && seen % BATCH == 0, "read-only size " + seen);
                assertEquals(1, reader.search(Keys.gaussian(0, 1, DIM)[0], 1).size());
            }
            BankException locked = assertThrows(BankException.class, () -> MemoryBank.open(dir, INFO));
            assertTrue(locked.getMessage().contains("open for writing by another process"), locked.getMessage());
            out.readLine(); // let it get going on the next batch, then kill it mid-write
            lastReported += BATCH;
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        try (MemoryBank bank = MemoryBank.open(dir, INFO)) {
            long size = bank.size();
            assertTrue(size >= lastReported && size % BATCH == 0, "size after kill " + size + ", last reported " + lastReported);
            List<Hit> hits = bank.search(Keys.gaussian(0, 1, DIM)[0], 1);
            assertEquals(new Hit(0, "phrase 0", 0f, "child:0:0"), hits.get(0));
            bank.add(Keys.entries(Keys.gaussian(99, 10, DIM), "after:", 10));
            bank.commit();
            assertEquals(size + 10, bank.size());
        }
    }
}

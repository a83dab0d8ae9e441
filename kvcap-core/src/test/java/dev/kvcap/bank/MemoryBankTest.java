package dev.kvcap.bank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBankTest {

    private static final int DIM = 16;
    private static final BankInfo INFO = new BankInfo("0123456789abcdef", DIM);

    @TempDir Path tmp;

    private Path dir() {
        return MemoryBank.dirOf(tmp);
    }

    @Test
    void searchReturnsTheExactNearestNeighboursOfASmallSet() {
        float[][] keys = Keys.gaussian(1, 600, DIM);
        float[][] queries = Keys.gaussian(2, 25, DIM);
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            // three batches and a commit in between: several segments, as in real use
            List<Entry> all = Keys.entries(keys, "a:", 10);
            bank.add(all.subList(0, 200));
            bank.commit();
            bank.add(all.subList(200, 400));
            bank.add(all.subList(400, 600));
            for (float[] q : queries) {
                List<Hit> hits = bank.search(q, 8);
                int[] expected = Keys.nearest(keys, q, 8);
                assertArrayEquals(expected, hits.stream().mapToInt(Hit::word).toArray());
                for (int i = 0; i < 8; i++) {
                    float d = Keys.squaredDistance(keys[expected[i]], q);
                    assertEquals(d, hits.get(i).distance(), 1e-4f * (1 + d));
                }
            }
        }
    }

    @Test
    void aHitCarriesThePhraseAndSourceOfItsEntry() {
        float[] key = new float[DIM];
        key[0] = 1;
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            bank.add(List.of(new Entry(key, 42, "a red bus", "teach:abc"), new Entry(new float[DIM], 7, "remember:def")));
            List<Hit> hits = bank.search(key, 2);
            assertEquals(new Hit(42, "a red bus", 0f, "teach:abc"), hits.get(0));
            assertEquals(7, hits.get(1).word());
            assertNull(hits.get(1).phrase());
            assertEquals(1f, hits.get(1).distance(), 1e-6f);
        }
    }

    @Test
    void batchSearchEqualsOneQueryAtATime() {
        float[][] keys = Keys.gaussian(3, 300, DIM);
        float[][] queries = Keys.gaussian(4, 5, DIM);
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            bank.add(Keys.entries(keys, "s:", 1));
            List<List<Hit>> batch = bank.search(queries, 4);
            for (int i = 0; i < queries.length; i++) {
                assertEquals(bank.search(queries[i], 4), batch.get(i));
            }
        }
    }

    @Test
    void nearestGivesTheWordsAndDistancesThatSearchGives() {
        float[][] keys = Keys.gaussian(21, 600, DIM);
        float[][] queries = Keys.gaussian(22, 25, DIM);
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            // several segments and deleted entries, as a bank that served for a while has
            List<Entry> all = Keys.entries(keys, "a:", 10);
            bank.add(all.subList(0, 200));
            bank.commit();
            bank.add(all.subList(200, 400));
            bank.search(keys[0], 1);
            bank.add(all.subList(400, 600));
            assertEquals(10, bank.removeSource("a:45")); // words 450..459
            List<Neighbours> fast = bank.nearest(queries, 8);
            for (int i = 0; i < queries.length; i++) {
                List<Hit> hits = bank.search(queries[i], 8);
                assertArrayEquals(hits.stream().mapToInt(Hit::word).toArray(), fast.get(i).words());
                float[] d = new float[hits.size()];
                for (int j = 0; j < d.length; j++) {
                    d[j] = hits.get(j).distance();
                }
                assertArrayEquals(d, fast.get(i).distances());
                for (int w : fast.get(i).words()) {
                    assertFalse(w >= 450 && w < 460, "removed entry " + w + " found");
                }
            }
        }
    }

    @Test
    void nearestReturnsEachEntrysContextAndNoContextForEntriesWithout() {
        float[] key = new float[DIM];
        float[] far = new float[DIM];
        far[0] = 5f;
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            long ctx = Entry.context(7, 12);
            bank.add(List.of(new Entry(key, 3, null, "teach:a", ctx), new Entry(far, 4, "teach:b")));
            Neighbours n = bank.nearest(new float[][] {key}, 2).get(0);
            assertArrayEquals(new int[] {3, 4}, n.words());
            assertArrayEquals(new long[] {ctx, Entry.NO_CONTEXT}, n.contexts());
        }
        assertNotEquals(Entry.context(1, 2), Entry.context(2, 1));
        assertThrows(IllegalArgumentException.class, () -> Entry.context(-1, 2));
    }

    @Test
    void withContextsOnlyEntriesRememberedAfterTheSameTwoWordsOrWithoutContextAreKept() {
        long red = Entry.context(10, 20);
        long green = Entry.context(11, 20);
        float[][] keys = new float[5][DIM];
        for (int i = 0; i < keys.length; i++) {
            keys[i][0] = i; // entry i at distance i² from the origin
        }
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            bank.add(List.of(
                    new Entry(keys[0], 1, null, "t:a", red),
                    new Entry(keys[1], 2, null, "t:b", green),
                    new Entry(keys[2], 3, "t:c"),
                    new Entry(keys[3], 4, null, "t:d", green),
                    new Entry(keys[4], 5, null, "t:e", green)));
            float[][] origin = {new float[DIM]};
            Neighbours kept = bank.nearest(origin, new long[] {green}, 2).get(0);
            assertArrayEquals(new int[] {2, 3}, kept.words()); // nearest first, at most k
            assertArrayEquals(new float[] {1f, 4f}, kept.distances(), 1e-4f);
            assertArrayEquals(new long[] {green, Entry.NO_CONTEXT}, kept.contexts());
            assertArrayEquals(new int[] {3}, bank.nearest(origin, new long[] {Entry.context(1, 1)}, 8).get(0).words());
            assertEquals(5, bank.nearest(origin, null, 8).get(0).size());
            assertThrows(IllegalArgumentException.class, () -> bank.nearest(origin, new long[2], 8));
        }
    }

    @Test
    void mergeLeavesOneSegmentWithTheSameNeighbours() throws Exception {
        float[][] keys = Keys.gaussian(23, 600, DIM);
        float[][] queries = Keys.gaussian(24, 25, DIM);
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            List<Entry> all = Keys.entries(keys, "a:", 10);
            for (int from = 0; from < 600; from += 200) {
                bank.add(all.subList(from, from + 200));
                bank.commit();
            }
            assertTrue(segments() > 1);
            bank.merge();
            bank.commit();
            assertEquals(1, segments());
            assertEquals(600, bank.size());
        }
        try (MemoryBank bank = MemoryBank.openReadOnly(dir(), INFO)) {
            for (float[] q : queries) {
                assertArrayEquals(Keys.nearest(keys, q, 8), bank.nearest(new float[][] {q}, 8).get(0).words());
            }
        }
    }

    private int segments() throws Exception {
        try (FSDirectory d = FSDirectory.open(dir());
                DirectoryReader r = DirectoryReader.open(d)) {
            return r.leaves().size();
        }
    }

    @Test
    void anEmptyBankFindsNothing() {
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            assertEquals(List.of(), bank.search(new float[DIM], 8));
            assertEquals(0, bank.nearest(new float[][] {new float[DIM]}, 8).get(0).size());
            assertEquals(0, bank.size());
        }
    }

    @Test
    void addedEntriesAreSearchableBeforeTheyAreCommitted() {
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            float[][] keys = Keys.gaussian(5, 10, DIM);
            bank.add(Keys.entries(keys, "r:", 1));
            assertEquals(10, bank.size());
            assertEquals(3, bank.search(keys[3], 1).get(0).word());
        }
    }

    @Test
    void committedEntriesSurviveCloseAndReopen() {
        float[][] keys = Keys.gaussian(6, 100, DIM);
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            bank.add(Keys.entries(keys, "r:", 1));
            bank.commit();
        }
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            assertEquals(100, bank.size());
            assertEquals(17, bank.search(keys[17], 1).get(0).word());
        }
        assertEquals(Optional.of(INFO), MemoryBank.identity(dir()));
        assertTrue(Files.isRegularFile(dir().resolve(MemoryBank.INFO_FILE)));
    }

    @Test
    void closingCommitsWhatWasAdded() {
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            bank.add(Keys.entries(Keys.gaussian(7, 5, DIM), "r:", 1));
        }
        try (MemoryBank bank = MemoryBank.openReadOnly(dir(), INFO)) {
            assertEquals(5, bank.size());
        }
    }

    @Test
    void aBankBuiltForAnotherModelIsRefusedWithAOneLineMessageSayingWhatToDo() {
        MemoryBank.open(dir(), INFO).close();
        BankException e =
                assertThrows(BankException.class, () -> MemoryBank.open(dir(), new BankInfo("fedcba9876543210", DIM)));
        assertTrue(e.getMessage().contains("0123456789abcdef") && e.getMessage().contains("fedcba9876543210"), e.getMessage());
        assertTrue(e.getMessage().contains("kvcap memory clear --model " + tmp.toAbsolutePath()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertThrows(BankException.class, () -> MemoryBank.openReadOnly(dir(), new BankInfo("fedcba9876543210", DIM)));
    }

    @Test
    void aBankOfAnotherKeyWidthIsRefused() {
        MemoryBank.open(dir(), INFO).close();
        BankException e = assertThrows(BankException.class, () -> MemoryBank.open(dir(), new BankInfo(INFO.modelId(), 32)));
        assertTrue(e.getMessage().contains("dim 16") && e.getMessage().contains("dim 32"), e.getMessage());
    }

    @Test
    void aRefusedOpenLeavesTheBankUsable() {
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            bank.add(Keys.entries(Keys.gaussian(8, 3, DIM), "r:", 1));
        }
        assertThrows(BankException.class, () -> MemoryBank.open(dir(), new BankInfo("other", DIM)));
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            assertEquals(3, bank.size());
        }
    }

    @Test
    void keysOfTheWrongWidthAreRejected() {
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            assertThrows(IllegalArgumentException.class, () -> bank.add(List.of(new Entry(new float[DIM + 1], 1, "x:1"))));
            assertThrows(IllegalArgumentException.class, () -> bank.search(new float[DIM - 1], 1));
            assertThrows(IllegalArgumentException.class, () -> bank.nearest(new float[][] {new float[DIM - 1]}, 1));
            assertEquals(0, bank.size());
        }
    }

    @Test
    void entriesWithoutSourceOrWithNonFiniteKeysAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Entry(new float[DIM], 1, " "));
        float[] nan = new float[DIM];
        nan[2] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> new Entry(nan, 1, "x:1"));
        assertThrows(IllegalArgumentException.class, () -> new Entry(new float[DIM], -1, "x:1"));
    }

    @Test
    void removeSourceDeletesExactlyTheEntriesWithThatPrefix() {
        float[][] keys = Keys.gaussian(9, 60, DIM);
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            bank.add(Keys.entries(keys, "train:", 10)); // train:0 .. train:5, ten each
            bank.add(List.of(new Entry(keys[0], 1000, "teach:aa"), new Entry(keys[1], 1001, "teach:ab")));
            assertEquals(10, bank.removeSource("train:1")); // train:1 only (no train:1x among 0..5)
            assertEquals(2, bank.removeSource("teach:"));
            assertEquals(0, bank.removeSource("teach:"));
            assertEquals(50, bank.size());
            for (Hit h : bank.search(keys[15], 50)) {
                assertFalse(h.source().equals("train:1") || h.source().startsWith("teach:"), h.toString());
            }
            bank.commit();
        }
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            assertEquals(50, bank.size());
            assertThrows(IllegalArgumentException.class, () -> bank.removeSource(""));
        }
    }

    @Test
    void clearEmptiesTheBankAndKeepsItsIdentity() {
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            bank.add(Keys.entries(Keys.gaussian(10, 20, DIM), "r:", 1));
            bank.commit();
            bank.clear();
            assertEquals(0, bank.size());
            bank.add(Keys.entries(Keys.gaussian(11, 3, DIM), "r:", 1));
        }
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            assertEquals(3, bank.size());
        }
        assertEquals(Optional.of(INFO), MemoryBank.identity(dir()));
    }

    @Test
    void resetLetsAnotherModelTakeTheBankOver() {
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            bank.add(Keys.entries(Keys.gaussian(12, 20, DIM), "r:", 1));
        }
        MemoryBank.reset(dir());
        assertEquals(Optional.empty(), MemoryBank.identity(dir()));
        BankInfo other = new BankInfo("another-model", 8);
        try (MemoryBank bank = MemoryBank.open(dir(), other)) {
            assertEquals(0, bank.size());
            bank.add(Keys.entries(Keys.gaussian(13, 4, 8), "r:", 1));
        }
        assertEquals(Optional.of(other), MemoryBank.identity(dir()));
    }

    @Test
    void statsCountEntriesDistinctSourcesDistinctWordsAndBytes() {
        float[][] keys = Keys.gaussian(14, 30, DIM);
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            List<Entry> entries = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                entries.add(new Entry(keys[i], i % 7, "s:" + (i % 4)));
            }
            bank.add(entries);
            bank.commit();
            bank.removeSource("s:3"); // i = 3, 7, ..., 27: words 3,0,4,1,5,2,6 all still present elsewhere
            BankStats s = bank.stats();
            assertEquals(new BankStats(23, 3, 7, s.bytesOnDisk(), DIM, INFO.modelId()), s);
            assertTrue(s.bytesOnDisk() > 30 * DIM * 4, "bytes " + s.bytesOnDisk());
        }
    }

    @Test
    void aReadOnlyBankSearchesWhileTheWriterHoldsTheLockAndSeesNewCommits() {
        float[][] keys = Keys.gaussian(15, 40, DIM);
        List<Entry> entries = Keys.entries(keys, "r:", 1);
        try (MemoryBank writer = MemoryBank.open(dir(), INFO)) {
            writer.add(entries.subList(0, 20));
            writer.commit();
            try (MemoryBank reader = MemoryBank.openReadOnly(dir(), INFO, BankOptions.DEFAULT.withRefreshMillis(0))) {
                assertTrue(reader.isReadOnly());
                assertEquals(20, reader.size());
                writer.add(entries.subList(20, 40));
                assertEquals(20, reader.size()); // not committed yet
                writer.commit();
                assertEquals(40, reader.size());
                assertEquals(33, reader.search(keys[33], 1).get(0).word());
                assertThrows(BankException.class, () -> reader.add(entries.subList(0, 1)));
            }
        }
    }

    @Test
    void aSecondWriterIsRefusedWhileTheFirstHoldsTheLock() {
        try (MemoryBank first = MemoryBank.open(dir(), INFO)) {
            BankException e = assertThrows(BankException.class, () -> MemoryBank.open(dir(), INFO));
            assertTrue(e.getMessage().contains("open for writing by another process"), e.getMessage());
            first.add(Keys.entries(Keys.gaussian(16, 2, DIM), "r:", 1));
        }
    }

    @Test
    void aMissingBankCannotBeOpenedReadOnly() {
        BankException e = assertThrows(BankException.class, () -> MemoryBank.openReadOnly(dir(), INFO));
        assertTrue(e.getMessage().startsWith("no memory bank in"), e.getMessage());
        assertEquals(Optional.empty(), MemoryBank.identity(dir()));
    }

    @Test
    void aDamagedBankIsRefusedWithAOneLineMessageAndResetRepairsIt() throws Exception {
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            bank.add(Keys.entries(Keys.gaussian(17, 5, DIM), "r:", 1));
        }
        try (var files = Files.list(dir())) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("segments_")).toList()) {
                Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
            }
        }
        BankException e = assertThrows(BankException.class, () -> MemoryBank.open(dir(), INFO));
        assertTrue(e.getMessage().contains("damaged") && e.getMessage().contains("kvcap memory clear"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertThrows(BankException.class, () -> MemoryBank.openReadOnly(dir(), INFO));
        MemoryBank.reset(dir());
        try (MemoryBank bank = MemoryBank.open(dir(), INFO)) {
            assertEquals(0, bank.size());
        }
    }

    @Test
    void aClosedBankSaysSo() {
        MemoryBank bank = MemoryBank.open(dir(), INFO);
        bank.close();
        bank.close(); // idempotent
        BankException e = assertThrows(BankException.class, () -> bank.search(new float[DIM], 1));
        assertTrue(e.getMessage().contains("closed"));
    }
}

package dev.kvcap.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Threads searching a bank while another adds, commits and removes: no errors, sizes only grow. */
class ConcurrencyTest {

    private static final int DIM = 16;
    private static final BankInfo INFO = new BankInfo("c0ffee", DIM);

    @TempDir Path tmp;

    @Test
    void readersNeverFailAndSeeMonotonicSizesWhileAWriterAddsAndCommits() throws Exception {
        int batches = 40;
        int batch = 25;
        float[][] keys = Keys.gaussian(21, batches * batch, DIM);
        List<Entry> entries = Keys.entries(keys, "w:", batch);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        try (MemoryBank bank = MemoryBank.open(tmp.resolve("memory"), INFO);
                MemoryBank readOnly =
                        MemoryBank.openReadOnly(tmp.resolve("memory"), INFO, BankOptions.DEFAULT.withRefreshMillis(0))) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                MemoryBank view = r % 2 == 0 ? bank : readOnly;
                float[] q = keys[r];
                Thread t =
                        new Thread(() -> {
                            try {
                                start.await();
                                long last = 0;
                                int searches = 0;
                                while (!done.get() || searches < 5) {
                                    long size = view.size();
                                    assertTrue(size >= last, "size went from " + last + " to " + size);
                                    last = size;
                                    List<Hit> hits = view.search(q, 8);
                                    assertTrue(hits.size() <= 8 && hits.size() <= view.size());
                                    searches++;
                                }
                            } catch (Throwable e) {
                                errors.add(e);
                            }
                        });
                readers.add(t);
                t.start();
            }
            start.countDown();
            for (int b = 0; b < batches; b++) {
                bank.add(entries.subList(b * batch, (b + 1) * batch));
                if (b % 10 == 9) {
                    bank.commit();
                }
            }
            done.set(true);
            for (Thread t : readers) {
                t.join(30_000);
            }
            assertTrue(errors.isEmpty(), () -> errors.peek().toString());
            assertEquals(batches * batch, bank.size());
            readOnly.refresh();
            assertEquals(batches * batch, readOnly.size());
        }
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        int threads = 3;
        int perThread = 200;
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (MemoryBank bank = MemoryBank.open(tmp.resolve("memory"), INFO)) {
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                List<Entry> mine = Keys.entries(Keys.gaussian(30 + w, perThread, DIM), "t" + w + ":", 20);
                Thread t =
                        new Thread(() -> {
                            try {
                                for (int i = 0; i < perThread; i += 20) {
                                    bank.add(mine.subList(i, i + 20));
                                    if (i % 100 == 0) {
                                        bank.commit();
                                    }
                                }
                            } catch (Throwable e) {
                                errors.add(e);
                            }
                        });
                writers.add(t);
                t.start();
            }
            for (Thread t : writers) {
                t.join(30_000);
            }
            assertTrue(errors.isEmpty(), () -> errors.peek().toString());
            assertEquals(threads * perThread, bank.size());
            assertEquals(perThread, bank.removeSource("t1:"));
            assertEquals((threads - 1) * (perThread / 20), bank.stats().sources());
        }
    }
}

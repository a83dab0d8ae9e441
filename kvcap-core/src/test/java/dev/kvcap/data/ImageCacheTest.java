package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

class ImageCacheTest {

    @TempDir Path dir;

    private Path png(String name) {
        return TestImages.write(TestImages.redBlue(40, 30), "png", dir.resolve(name));
    }

    @Test
    void decodesEachImageOnceAndReturnsTheResizedBytes() {
        Path f = png("a.png");
        ImageCache cache = new ImageCache(1 << 20, null);
        byte[] first = cache.get(f, 8).orElseThrow();
        byte[] second = cache.get(new CaptionedImage(1, f, List.of()), 8).orElseThrow();
        assertArrayEquals(ImageLoader.resizeToBytes(ImageLoader.readRgb(f), 8), first);
        assertArrayEquals(first, second);
        assertEquals(1, cache.decodes());
        assertEquals(3 * 8 * 8, cache.memoryBytes());
        cache.get(f, 16);
        assertEquals(2, cache.decodes(), "another size is another entry");
    }

    @Test
    void callersCannotCorruptTheCachedCopy() {
        Path f = png("a.png");
        ImageCache cache = new ImageCache(1 << 20, null);
        byte[] mine = cache.get(f, 8).orElseThrow();
        mine[0] = 42;
        assertTrue(cache.get(f, 8).orElseThrow()[0] != 42);
    }

    @Test
    void corruptImageIsSkippedCountedAndDecodedOnce() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.jpg"), "not really a jpeg");
        ImageCache cache = new ImageCache(1 << 20, null);
        assertEquals(Optional.empty(), cache.get(bad, 8));
        assertEquals(Optional.empty(), cache.get(bad, 8));
        assertEquals(Optional.empty(), cache.get(dir.resolve("missing.png"), 8));
        assertTrue(cache.get(png("ok.png"), 8).isPresent());
        assertEquals(2, cache.failures());
        assertEquals(2, cache.failureMessages().size());
        assertTrue(cache.failureMessages().get(0).startsWith(bad.toString()));
        // bad.jpg, missing.png and ok.png once each: the repeated bad.jpg was not decoded again
        assertEquals(3, cache.decodes());
    }

    @Test
    void beyondTheMemoryBudgetEntriesGoToDiskAndAreReadBack() throws Exception {
        Path disk = dir.resolve("cache");
        Path a = png("a.png");
        Path b = png("b.png");
        ImageCache cache = new ImageCache(3 * 8 * 8, disk);
        byte[] ea = cache.get(a, 8).orElseThrow();
        byte[] eb = cache.get(b, 8).orElseThrow(); // over budget: to disk
        assertEquals(3 * 8 * 8, cache.memoryBytes());
        try (Stream<Path> files = Files.list(disk)) {
            assertEquals(1, files.count());
        }
        assertArrayEquals(eb, cache.get(b, 8).orElseThrow());
        assertEquals(2, cache.decodes(), "second read of b came from disk");
        ImageCache fresh = new ImageCache(0, disk);
        assertArrayEquals(eb, fresh.get(b, 8).orElseThrow());
        assertEquals(0, fresh.decodes(), "a new cache reuses the disk entry");
        assertArrayEquals(ea, fresh.get(a, 8).orElseThrow());
        assertEquals(1, fresh.decodes());
    }

    @Test
    void aModifiedFileIsDecodedAgain() throws Exception {
        Path disk = dir.resolve("cache");
        Path a = png("a.png");
        new ImageCache(0, disk).get(a, 8);
        TestImages.write(ImageLoaderTest.noise(40, 30), "png", a);
        Files.setLastModifiedTime(
                a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 5000));
        ImageCache cache = new ImageCache(0, disk);
        byte[] now = cache.get(a, 8).orElseThrow();
        assertEquals(1, cache.decodes());
        assertArrayEquals(ImageLoader.resizeToBytes(ImageLoader.readRgb(a), 8), now);
    }

    @Test
    void concurrentRequestsDecodeOnce() throws Exception {
        Path f = png("a.png");
        ImageCache cache = new ImageCache(1 << 20, null);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Optional<byte[]>>> results =
                    pool.invokeAll(java.util.Collections.nCopies(16, () -> cache.get(f, 8)));
            for (Future<Optional<byte[]>> r : results) {
                assertTrue(r.get().isPresent());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, cache.decodes());
    }
}

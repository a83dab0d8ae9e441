package dev.kvcap.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resized CHW bytes of images ({@link ImageLoader#resizeToBytes}), decoded once and reused across
 * epochs.
 *
 * <ul>
 *   <li><b>Memory, then disk.</b> Entries are kept in memory until {@code memoryBudgetBytes} is
 *       used up; later entries go to {@code diskDir} (one file per image and size), or, without a
 *       disk folder, are decoded again when asked for. Nothing is evicted: training visits every
 *       image each epoch, where least-recently-used eviction would only thrash.
 *   <li><b>Keys</b> hash the absolute path, the file's byte size and modification time, and the
 *       requested side, so an edited image is decoded afresh and stale disk entries are simply
 *       never read. Disk files are written atomically (temp file, then rename).
 *   <li><b>Failures are not fatal.</b> A missing or corrupt image yields {@link Optional#empty()},
 *       is recorded once ({@link #failures()}, {@link #failureMessages()}) and is not decoded
 *       again.
 *   <li><b>Thread-safe.</b> Concurrent requests for the same image decode it once (a training loop
 *       may prefetch on another thread).
 * </ul>
 */
public final class ImageCache {

    private final long memoryBudgetBytes;
    private final Path diskDir;
    private final long maxPixels;
    private final Map<String, byte[]> memory = new ConcurrentHashMap<>();
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private final List<String> failureMessages = new ArrayList<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final AtomicLong memoryBytes = new AtomicLong();
    private final AtomicInteger decodes = new AtomicInteger();

    /**
     * @param memoryBudgetBytes bytes of pixel data to keep in memory (0: none)
     * @param diskDir folder for entries beyond the budget, created on first use; {@code null} for
     *     memory only
     */
    public ImageCache(long memoryBudgetBytes, Path diskDir) {
        this(memoryBudgetBytes, diskDir, ImageLoader.DEFAULT_MAX_PIXELS);
    }

    /** As {@link #ImageCache(long, Path)}, with a limit on decoded image size (width × height). */
    public ImageCache(long memoryBudgetBytes, Path diskDir, long maxPixels) {
        if (memoryBudgetBytes < 0) {
            throw new IllegalArgumentException("memoryBudgetBytes must be >= 0");
        }
        this.memoryBudgetBytes = memoryBudgetBytes;
        this.diskDir = diskDir;
        this.maxPixels = maxPixels;
    }

    /** {@link #get(Path, int)} for the image's file. */
    public Optional<byte[]> get(CaptionedImage image, int size) {
        return get(image.file(), size);
    }

    /**
     * The image resized to {@code size}×{@code size} as CHW bytes (length {@code 3*size*size}), a
     * fresh copy the caller may modify; empty if the image cannot be decoded.
     */
    public Optional<byte[]> get(Path file, int size) {
        String key = key(file, size);
        byte[] hit = memory.get(key);
        if (hit != null) {
            return Optional.of(hit.clone());
        }
        if (failed.containsKey(key)) {
            return Optional.empty();
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            hit = memory.get(key);
            if (hit != null) {
                return Optional.of(hit.clone());
            }
            if (failed.containsKey(key)) {
                return Optional.empty();
            }
            byte[] bytes = readDisk(key, size);
            if (bytes == null) {
                try {
                    decodes.incrementAndGet();
                    bytes = ImageLoader.resizeToBytes(ImageLoader.readRgb(file, maxPixels), size);
                } catch (ImageDecodeException e) {
                    fail(key, e.getMessage());
                    return Optional.empty();
                } catch (RuntimeException e) {
                    fail(key, file + ": " + e);
                    return Optional.empty();
                }
            }
            store(key, bytes);
            return Optional.of(bytes.clone());
        }
    }

    private void fail(String key, String message) {
        failed.put(key, message);
        synchronized (failureMessages) {
            failureMessages.add(message);
        }
    }

    private void store(String key, byte[] bytes) {
        if (memoryBytes.get() + bytes.length <= memoryBudgetBytes) {
            memoryBytes.addAndGet(bytes.length);
            memory.put(key, bytes);
        } else if (diskDir != null && !Files.isRegularFile(diskFile(key))) {
            try {
                AtomicFiles.write(diskFile(key), bytes);
            } catch (IOException e) {
                // The disk cache is an optimisation: without it the image is decoded again.
            }
        }
    }

    private byte[] readDisk(String key, int size) {
        if (diskDir == null) {
            return null;
        }
        Path f = diskFile(key);
        try {
            byte[] b = Files.readAllBytes(f);
            return b.length == 3 * size * size ? b : null;
        } catch (IOException e) {
            return null;
        }
    }

    private Path diskFile(String key) {
        return diskDir.resolve(key + ".chw");
    }

    private static String key(Path file, int size) {
        Path abs = file.toAbsolutePath().normalize();
        String id;
        try {
            BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class);
            id = abs + "\u0000" + a.size() + "\u0000" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            id = abs + "\u0000missing";
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] h = sha.digest((id + "\u0000" + size).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Number of distinct images (and sizes) that could not be decoded. */
    public int failures() {
        return failed.size();
    }

    /** One-line reasons for the failures, in the order they happened. */
    public List<String> failureMessages() {
        synchronized (failureMessages) {
            return List.copyOf(failureMessages);
        }
    }

    /** How many times an image file was actually decoded (for tests and logs). */
    public int decodes() {
        return decodes.get();
    }

    /** Bytes of pixel data held in memory. */
    public long memoryBytes() {
        return memoryBytes.get();
    }
}

package dev.kvcap.train;

import dev.kvcap.data.CaptionedImage;
import dev.kvcap.data.DataException;
import dev.kvcap.data.ImageLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Decodes each image once, before training, into resized CHW bytes held for the whole run; an
 * image that fails to decode is skipped, counted and reported, never fatal.
 */
final class ImageStore {

    private final int size;
    private final Consumer<TrainEvent> events;
    private final Map<Path, byte[]> decoded = new ConcurrentHashMap<>();
    private final Map<Path, String> failed = new ConcurrentHashMap<>();

    ImageStore(int size, Consumer<TrainEvent> events) {
        this.size = size;
        this.events = events;
    }

    /** Pixels per image, in order; null where the image could not be decoded. */
    List<byte[]> load(List<CaptionedImage> images, String what) {
        AtomicInteger done = new AtomicInteger();
        int total = images.size();
        IntStream.range(0, total)
                .parallel()
                .forEach(
                        i -> {
                            Path file = images.get(i).file();
                            if (!decoded.containsKey(file) && !failed.containsKey(file)) {
                                try {
                                    decoded.put(
                                            file,
                                            ImageLoader.resizeToBytes(ImageLoader.readRgb(file), size));
                                } catch (DataException e) {
                                    failed.put(file, e.getMessage());
                                }
                            }
                            int d = done.incrementAndGet();
                            if (d % 256 == 0 || d == total) {
                                events.accept(new TrainEvent.Preparing(d, total));
                            }
                        });
        List<byte[]> out = new ArrayList<>(total);
        int skipped = 0;
        for (CaptionedImage img : images) {
            byte[] px = decoded.get(img.file());
            out.add(px);
            if (px == null) {
                skipped++;
            }
        }
        if (skipped > 0) {
            events.accept(
                    new TrainEvent.Info(
                            skipped + " " + what + " image(s) could not be decoded and were skipped; first: "
                                    + failed.values().iterator().next()));
        }
        return out;
    }

    int failures() {
        return failed.size();
    }
}

package dev.kvcap.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What each {@link ImageDescriptor} costs per image (the retrieval memory describes every image it
 * captions once): a folder of images resized to SIZE², each descriptor timed over all of them, five
 * rounds, the last two printed. Not a test; run by hand:
 *
 * <pre>
 * java -cp kvcap-core/target/test-classes:kvcap-core/target/kvcap.jar:kvcap-core/target/lib/'*' \
 *     dev.kvcap.data.DescribeProbe /tmp/real/images/test [SIZE]
 * </pre>
 */
public final class DescribeProbe {
    public static void main(String[] a) throws Exception {
        int size = a.length > 1 ? Integer.parseInt(a[1]) : 64;
        List<byte[]> images = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(a[0]))) {
            for (Path p : s.sorted().toList()) {
                images.add(ImageLoader.resizeToBytes(ImageLoader.readRgb(p), size));
            }
        }
        long sink = 0;
        for (int round = 0; round < 5; round++) {
            for (ImageDescriptor d : ImageDescriptor.values()) {
                long t0 = System.nanoTime();
                for (byte[] image : images) {
                    sink += d.describe(image, size)[0];
                }
                if (round >= 3) {
                    System.out.printf("round %d %s: %.1f us per image (%d images)%n",
                            round, d.label(), (System.nanoTime() - t0) / 1e3 / images.size(), images.size());
                }
            }
        }
        System.out.println("(checksum " + sink + ")");
    }
}

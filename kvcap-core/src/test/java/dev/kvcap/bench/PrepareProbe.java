package dev.kvcap.bench;

import dev.kvcap.data.ImageLoader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Time of the two halves of preparing a photo for captioning, decoding and resizing, on the
 * 640×480 JPEG that {@code kvcap bench} uses (a {@code main}, not a test):
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) dev.kvcap.bench.PrepareProbe [SIZE=224]
 * </pre>
 */
public final class PrepareProbe {

    private PrepareProbe() {}

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 224;
        Path jpeg = Files.createTempFile("kvcap-prepare", ".jpg");
        try {
            ImageIO.write(Bench.photoLike(640, 480), "jpg", jpeg.toFile());
            for (int round = 1; round <= 3; round++) {
                int n = 200;
                long decode = 0;
                long resize = 0;
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    BufferedImage image = ImageLoader.readRgb(jpeg);
                    long t1 = System.nanoTime();
                    ImageLoader.resizeToBytes(image, size);
                    decode += t1 - t0;
                    resize += System.nanoTime() - t1;
                }
                System.out.printf("round %d, %d×%d JPEG to %d²: decode %.2f ms, resize %.2f ms (means of %d)%n",
                        round, 640, 480, size, decode / 1e6 / n, resize / 1e6 / n, n);
            }
        } finally {
            Files.deleteIfExists(jpeg);
        }
    }
}

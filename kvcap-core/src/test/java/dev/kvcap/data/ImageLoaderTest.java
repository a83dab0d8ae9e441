package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

class ImageLoaderTest {

    @TempDir Path dir;

    private static void assertRgb(int expected, int actual, int tolerance) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int e = expected >> shift & 0xff;
            int a = actual >> shift & 0xff;
            assertTrue(
                    Math.abs(e - a) <= tolerance,
                    String.format(
                            "expected %06x but was %06x", expected & 0xffffff, actual & 0xffffff));
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ImageLoaderTest.class.getResource("/images/" + name).toURI());
    }

    @Test
    void rgbJpegDecodesToIntRgb() {
        Path f = TestImages.write(TestImages.redBlue(40, 20), "jpg", dir.resolve("a.jpg"));
        BufferedImage img = ImageLoader.readRgb(f);
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertEquals(40, img.getWidth());
        assertRgb(0xff0000, img.getRGB(5, 10), 12);
        assertRgb(0x0000ff, img.getRGB(35, 10), 12);
    }

    @Test
    void cmykJpegDecodesToRgb() throws Exception {
        BufferedImage img = ImageLoader.readRgb(resource("cmyk.jpg"));
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertRgb(0xff0000, img.getRGB(8, 2), 40);
        assertRgb(0x0000ff, img.getRGB(8, 13), 60);
    }

    @Test
    void grayPngKeepsItsLevelsWithoutGammaShift() {
        BufferedImage gray = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = gray.createGraphics();
        g.setColor(new Color(100, 100, 100));
        g.fillRect(0, 0, 8, 8);
        g.dispose();
        int stored = gray.getRaster().getSample(0, 0, 0);
        Path f = TestImages.write(gray, "png", dir.resolve("g.png"));
        BufferedImage img = ImageLoader.readRgb(f);
        assertRgb(stored << 16 | stored << 8 | stored, img.getRGB(3, 3), 0);
    }

    @Test
    void sixteenBitGrayBecomesEightBit() {
        Path f = TestImages.write(TestImages.gray16(6, 6, 0x8080), "png", dir.resolve("g16.png"));
        assertRgb(0x808080, ImageLoader.readRgb(f).getRGB(1, 1), 1);
    }

    @Test
    void sixteenBitRgbBecomesEightBit() {
        Path f =
                TestImages.write(
                        TestImages.rgb16(6, 6, 0xffff, 0x0000, 0x4040),
                        "png",
                        dir.resolve("c16.png"));
        assertRgb(0xff0040, ImageLoader.readRgb(f).getRGB(1, 1), 1);
    }

    @Test
    void rgbaIsCompositedOnWhite() {
        BufferedImage rgba = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x00000000); // fully transparent black
        rgba.setRGB(1, 0, 0xffff0000); // opaque red
        rgba.setRGB(2, 0, 0x800000ff); // half-transparent blue
        Path f = TestImages.write(rgba, "png", dir.resolve("rgba.png"));
        BufferedImage img = ImageLoader.readRgb(f);
        assertRgb(0xffffff, img.getRGB(0, 0), 0);
        assertRgb(0xff0000, img.getRGB(1, 0), 0);
        assertRgb(0x7f7fff, img.getRGB(2, 0), 2);
    }

    @Test
    void grayWithAlphaIsCompositedOnWhite() {
        Path f = TestImages.write(TestImages.grayAlpha(4, 4, 0, 0), "png", dir.resolve("ga.png"));
        assertRgb(0xffffff, ImageLoader.readRgb(f).getRGB(0, 0), 0);
        Path g = TestImages.write(TestImages.grayAlpha(4, 4, 0, 255), "png", dir.resolve("gb.png"));
        assertRgb(0x000000, ImageLoader.readRgb(g).getRGB(0, 0), 0);
    }

    @Test
    void indexedPngDecodesItsPalette() {
        byte[] r = {(byte) 255, 0};
        byte[] gr = {0, (byte) 255};
        byte[] b = {0, 0};
        BufferedImage idx =
                new BufferedImage(
                        4, 4, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, gr, b));
        idx.getRaster().setSample(1, 1, 0, 1);
        Path f = TestImages.write(idx, "png", dir.resolve("i.png"));
        BufferedImage img = ImageLoader.readRgb(f);
        assertRgb(0xff0000, img.getRGB(0, 0), 0);
        assertRgb(0x00ff00, img.getRGB(1, 1), 0);
    }

    @Test
    void missingFileIsAnImageDecodeException() {
        ImageDecodeException e =
                assertThrows(
                        ImageDecodeException.class,
                        () -> ImageLoader.readRgb(dir.resolve("none.jpg")));
        assertEquals(dir.resolve("none.jpg"), e.file());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void zeroByteFileIsRejected() throws Exception {
        Path f = Files.createFile(dir.resolve("empty.jpg"));
        ImageDecodeException e =
                assertThrows(ImageDecodeException.class, () -> ImageLoader.readRgb(f));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void textFileIsNotAnImage() throws Exception {
        Path f = Files.writeString(dir.resolve("notes.jpg"), "this is not an image\n");
        ImageDecodeException e =
                assertThrows(ImageDecodeException.class, () -> ImageLoader.readRgb(f));
        assertTrue(e.getMessage().contains("not a recognised image"), e.getMessage());
    }

    @Test
    void corruptJpegIsRejectedWithOneLineMessage() throws Exception {
        Path good = TestImages.write(TestImages.redBlue(64, 64), "jpg", dir.resolve("good.jpg"));
        byte[] bytes = Files.readAllBytes(good);
        Random rng = new Random(1);
        for (int i = 2; i < bytes.length; i++) { // keep SOI so it still looks like a JPEG
            bytes[i] = (byte) rng.nextInt(256);
        }
        Path f = Files.write(dir.resolve("corrupt.jpg"), bytes);
        ImageDecodeException e =
                assertThrows(ImageDecodeException.class, () -> ImageLoader.readRgb(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void truncatedJpegIsRejected() throws Exception {
        Path good = TestImages.write(noise(64, 64), "jpg", dir.resolve("good.jpg"));
        Path f = TestImages.truncate(good, dir.resolve("trunc.jpg"), 0.6);
        ImageDecodeException e =
                assertThrows(ImageDecodeException.class, () -> ImageLoader.readRgb(f));
        assertTrue(e.getMessage().contains("trunc"), e.getMessage());
    }

    @Test
    void truncatedPngIsRejected() throws Exception {
        Path good = TestImages.write(noise(64, 64), "png", dir.resolve("good.png"));
        Path f = TestImages.truncate(good, dir.resolve("trunc.png"), 0.6);
        assertThrows(ImageDecodeException.class, () -> ImageLoader.readRgb(f));
    }

    @Test
    void decompressionBombIsRejectedBeforeDecoding() throws Exception {
        Path f = TestImages.pngClaimingSize(dir.resolve("bomb.png"), 100_000, 100_000);
        ImageDecodeException e =
                assertThrows(ImageDecodeException.class, () -> ImageLoader.readRgb(f));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        Path small = TestImages.write(TestImages.redBlue(20, 20), "png", dir.resolve("s.png"));
        assertThrows(ImageDecodeException.class, () -> ImageLoader.readRgb(small, 399));
        assertEquals(20, ImageLoader.readRgb(small, 400).getWidth());
    }

    @Test
    void resizeGivesChwBytesOfTheRightLayout() {
        byte[] chw = ImageLoader.resizeToBytes(TestImages.redBlue(300, 200), 16);
        assertEquals(3 * 16 * 16, chw.length);
        assertEquals(255, TestImages.channel(chw, 16, 0, 2, 8)); // red on the left
        assertEquals(0, TestImages.channel(chw, 16, 2, 2, 8));
        assertEquals(0, TestImages.channel(chw, 16, 0, 13, 8)); // blue on the right
        assertEquals(255, TestImages.channel(chw, 16, 2, 13, 8));
    }

    @Test
    void bigDownscaleAveragesInsteadOfAliasing() {
        // 1-pixel black/white stripes: a good downscale is mid-grey, a naive one black or white.
        BufferedImage stripes = new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 512; y++) {
            for (int x = 0; x < 512; x++) {
                stripes.setRGB(x, y, x % 2 == 0 ? 0xffffff : 0);
            }
        }
        byte[] chw = ImageLoader.resizeToBytes(stripes, 16);
        for (byte v : chw) {
            assertTrue(Math.abs((v & 0xff) - 128) < 20, "value " + (v & 0xff));
        }
    }

    @Test
    void upscalingASmallImageWorks() {
        byte[] chw = ImageLoader.resizeToBytes(TestImages.redBlue(2, 1), 8);
        assertEquals(3 * 64, chw.length);
    }

    @Test
    void normalizeUsesImageNetStatistics() {
        byte[] chw = {(byte) 255, 0, 0, 0, (byte) 124, 0};
        float[] f = ImageLoader.normalize(chw);
        assertEquals((1f - 0.485f) / 0.229f, f[0], 1e-5);
        assertEquals(-0.485f / 0.229f, f[1], 1e-5);
        assertEquals((124 / 255f - 0.406f) / 0.225f, f[4], 1e-5);
    }

    @Test
    void loadChwChainsDecodeResizeAndNormalize() {
        Path f = TestImages.write(TestImages.redBlue(32, 32), "png", dir.resolve("x.png"));
        float[] chw = ImageLoader.loadChw(f, 8);
        assertEquals(3 * 64, chw.length);
        assertEquals((1f - 0.485f) / 0.229f, chw[0], 1e-5);
    }

    static BufferedImage noise(int w, int h) {
        Random rng = new Random(7);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rng.nextInt(1 << 24));
            }
        }
        return img;
    }

    @Test
    void bytesInMemoryDecodeExactlyLikeTheSameFile() throws Exception {
        Path f = TestImages.write(TestImages.redBlue(30, 20), "png", dir.resolve("rb.png"));
        BufferedImage fromFile = ImageLoader.readRgb(f);
        BufferedImage fromBytes =
                ImageLoader.readRgb(Files.readAllBytes(f), "upload", ImageLoader.DEFAULT_MAX_PIXELS);
        assertEquals(BufferedImage.TYPE_INT_RGB, fromBytes.getType());
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 30; x++) {
                assertEquals(fromFile.getRGB(x, y), fromBytes.getRGB(x, y));
            }
        }
    }

    @Test
    void bytesInMemoryAreRefusedForTheSameReasonsAsFiles() throws Exception {
        Path bomb = TestImages.pngClaimingSize(dir.resolve("bomb.png"), 100_000, 100_000);
        ImageDecodeException big =
                assertThrows(
                        ImageDecodeException.class,
                        () -> ImageLoader.readRgb(Files.readAllBytes(bomb), "upload", 1_000_000));
        assertTrue(big.getMessage().startsWith("upload: image too large"), big.getMessage());
        ImageDecodeException empty =
                assertThrows(ImageDecodeException.class, () -> ImageLoader.readRgb(new byte[0], "upload", 100));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        ImageDecodeException text =
                assertThrows(
                        ImageDecodeException.class,
                        () -> ImageLoader.readRgb("hello".getBytes(), "upload", 100));
        assertTrue(text.getMessage().contains("not a recognised image"), text.getMessage());
        byte[] png = Files.readAllBytes(TestImages.write(TestImages.redBlue(64, 64), "png", dir.resolve("p.png")));
        byte[] cut = java.util.Arrays.copyOf(png, png.length * 6 / 10);
        assertThrows(ImageDecodeException.class, () -> ImageLoader.readRgb(cut, "upload", 1_000_000));
    }
}

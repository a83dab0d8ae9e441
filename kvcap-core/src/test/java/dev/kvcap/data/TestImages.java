package dev.kvcap.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

/** Builds small test images of every awkward kind. */
public final class TestImages {

    private TestImages() {}

    /** An RGB image, left half red, right half blue. */
    static BufferedImage redBlue(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, w / 2, h);
        g.setColor(Color.BLUE);
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        return img;
    }

    /** A red circle on blue, {@code w}×{@code h}, encoded as {@code format} (png, jpg). */
    public static byte[] circle(int w, int h, String format) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.RED);
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ImageIO.write(img, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(BufferedImage img, String format, Path file) {
        try {
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no writer for " + format + " / " + img);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 16-bit grey, value {@code v16} everywhere. */
    static BufferedImage gray16(int w, int h, int v16) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, v16);
            }
        }
        return img;
    }

    /** 8-bit grey + alpha. */
    static BufferedImage grayAlpha(int w, int h, int gray, int alpha) {
        ComponentColorModel cm =
                new ComponentColorModel(
                        ColorSpace.getInstance(ColorSpace.CS_GRAY),
                        true,
                        false,
                        Transparency.TRANSLUCENT,
                        DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setPixel(x, y, new int[] {gray, alpha});
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    /** 16-bit-per-channel sRGB. */
    static BufferedImage rgb16(int w, int h, int r16, int g16, int b16) {
        ComponentColorModel cm =
                new ComponentColorModel(
                        ColorSpace.getInstance(ColorSpace.CS_sRGB),
                        false,
                        false,
                        Transparency.OPAQUE,
                        DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setPixel(x, y, new int[] {r16, g16, b16});
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    /**
     * A valid 1×1 PNG whose IHDR claims {@code w}×{@code h} (CRC fixed up): decoding it for real
     * would need w*h pixels of memory.
     */
    static Path pngClaimingSize(Path file, int w, int h) throws IOException {
        write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", file);
        Files.write(file, claimingSize(Files.readAllBytes(file), w, h));
        return file;
    }

    /**
     * {@code png} (a valid PNG) with its header rewritten to claim {@code w}×{@code h}, CRC fixed:
     * a decompression bomb's header. Changes and returns {@code png}.
     */
    public static byte[] claimingSize(byte[] png, int w, int h) {
        // signature (8) + length (4) + "IHDR" (4) -> width at 16, height at 20, CRC at 29
        ByteBuffer buf = ByteBuffer.wrap(png);
        buf.putInt(16, w);
        buf.putInt(20, h);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        buf.putInt(29, (int) crc.getValue());
        return png;
    }

    /** Copies the first {@code fraction} of {@code src} to {@code dst}. */
    static Path truncate(Path src, Path dst, double fraction) throws IOException {
        byte[] bytes = Files.readAllBytes(src);
        byte[] cut = java.util.Arrays.copyOf(bytes, (int) (bytes.length * fraction));
        Files.write(dst, cut);
        return dst;
    }

    /** Red channel of pixel (x, y) in CHW bytes of a square image of side {@code size}. */
    static int channel(byte[] chw, int size, int c, int x, int y) {
        return chw[c * size * size + y * size + x] & 0xff;
    }
}

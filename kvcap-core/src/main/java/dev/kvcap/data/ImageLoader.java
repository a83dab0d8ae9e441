package dev.kvcap.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes image files robustly into 8-bit sRGB and turns them into model input.
 *
 * <p>Pipeline: {@link #readRgb} (any JPEG/PNG → {@code TYPE_INT_RGB}) → {@link #resizeToBytes}
 * (square, good-quality downscale → CHW bytes) → {@link #normalize} (ImageNet mean/std → CHW
 * floats). {@link #loadChw} does all three.
 *
 * <p>Decoding rules:
 *
 * <ul>
 *   <li>Grey, grey+alpha, RGB, RGBA, indexed and 16-bit images are converted to 8-bit sRGB. Grey
 *       samples are copied as they are (the JDK would otherwise treat them as linear light and
 *       brighten them).
 *   <li>Transparency is composited on <b>white</b>: transparent regions of photos and cut-outs are
 *       almost always meant to be seen on a light page, and black would invent dark content.
 *   <li>CMYK and YCCK JPEGs decode through the TwelveMonkeys JPEG plugin, which registers itself
 *       with ImageIO when on the class path and is preferred over the JDK reader.
 *   <li>Width × height is read from the header <i>before</i> decoding; more than {@code maxPixels}
 *       (default {@value #DEFAULT_MAX_PIXELS}) is rejected, so a small "decompression bomb" cannot
 *       exhaust memory.
 *   <li>Truncated files: ImageIO's JPEG decoder fills the missing part with grey and only emits a
 *       warning ("Premature end of JPEG file"). A warning listener turns warnings that signal
 *       missing data into an {@link ImageDecodeException}; other warnings (e.g. extraneous bytes
 *       before a marker, common in real photo collections) are tolerated.
 *   <li>Missing, zero-byte, non-image and corrupt files raise {@link ImageDecodeException}.
 * </ul>
 *
 * <p>All methods are static, pure and thread-safe.
 */
public final class ImageLoader {

    /** Largest accepted width × height by default: 50 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    /** ImageNet channel means (R, G, B), the convention of VGG weights. */
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};

    /** ImageNet channel standard deviations (R, G, B). */
    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    private ImageLoader() {}

    /**
     * Reads {@code file}, resizes it to {@code size}×{@code size} and normalises it: CHW floats.
     */
    public static float[] loadChw(Path file, int size) {
        return normalize(resizeToBytes(readRgb(file), size));
    }

    /** {@link #readRgb(Path, long)} with {@link #DEFAULT_MAX_PIXELS}. */
    public static BufferedImage readRgb(Path file) {
        return readRgb(file, DEFAULT_MAX_PIXELS);
    }

    /**
     * Decodes {@code file} into a {@code TYPE_INT_RGB} image in 8-bit sRGB.
     *
     * @throws ImageDecodeException for a missing, empty, non-image, corrupt, truncated or too large
     *     file
     */
    public static BufferedImage readRgb(Path file, long maxPixels) {
        if (!Files.isRegularFile(file)) {
            throw new ImageDecodeException(file, notAFile(file));
        }
        try {
            if (Files.size(file) == 0) {
                throw new ImageDecodeException(file, "empty file (0 bytes)");
            }
        } catch (IOException e) {
            throw new ImageDecodeException(file, "cannot read (" + e.getMessage() + ")", e);
        }
        return decodeAny(file, () -> ImageIO.createImageInputStream(file.toFile()), maxPixels);
    }

    /**
     * Why {@code file}, which is not a regular file, cannot be read as an image. A FIFO or device is
     * never opened: reading one could block forever.
     */
    private static String notAFile(Path file) {
        if (Files.isDirectory(file)) {
            return "is a directory, not an image file; name the image files themselves";
        }
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
            return "is a broken symbolic link; check where it points";
        }
        if (Files.exists(file)) {
            return "is not a regular file (a pipe, device or socket); give a JPEG or PNG file";
        }
        return "file not found; check the path";
    }

    /** Where the encoded bytes come from: a file, or memory. Opened once per reader tried. */
    private interface Source {
        ImageInputStream open() throws IOException;
    }

    /**
     * Tries the ImageIO readers for {@code source} in order until one decodes it; {@code file}
     * names it in messages. The stream is opened once per reader tried, so the usual image costs
     * one open and one reader (a separate pass counting the readers cost about 1 ms per photo).
     */
    private static BufferedImage decodeAny(Path file, Source source, long maxPixels) {
        ImageDecodeException first = null;
        for (int i = 0; ; i++) {
            try (ImageInputStream in = source.open()) {
                if (in == null) {
                    throw new ImageDecodeException(file, "cannot open");
                }
                BufferedImage image;
                try {
                    image = decode(file, in, i, maxPixels);
                } catch (ImageDecodeException e) {
                    if (e.getMessage().contains("too large")) {
                        throw e;
                    }
                    first = first == null ? e : first; // report the preferred reader's error
                    continue;
                }
                if (image != null) {
                    return toRgb(image);
                }
                if (first != null) {
                    throw first;
                }
                throw new ImageDecodeException(file, "not a recognised image format (JPEG or PNG expected)");
            } catch (IOException e) {
                throw new ImageDecodeException(file, "cannot read (" + oneLine(e) + ")", e);
            }
        }
    }

    /** Decodes {@code in} with the {@code readerIndex}-th reader ImageIO offers; null when there is none. */
    private static BufferedImage decode(Path file, ImageInputStream in, int readerIndex, long maxPixels) {
        try {
            Iterator<ImageReader> it = ImageIO.getImageReaders(in);
            for (int i = 0; i < readerIndex && it.hasNext(); i++) {
                it.next();
            }
            if (!it.hasNext()) {
                return null;
            }
            ImageReader reader = it.next();
            List<String> warnings = new ArrayList<>();
            IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener(listener);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new ImageDecodeException(
                            file, "image has no pixels (" + w + "x" + h + ")");
                }
                if (w * h > maxPixels) {
                    throw new ImageDecodeException(
                            file,
                            "image too large: "
                                    + w
                                    + "x"
                                    + h
                                    + " exceeds "
                                    + maxPixels
                                    + " pixels (possible decompression bomb)");
                }
                BufferedImage image = reader.read(0);
                for (String warning : warnings) {
                    if (signalsMissingData(warning)) {
                        throw new ImageDecodeException(
                                file, "truncated or corrupt image (" + warning.trim() + ")");
                    }
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw new ImageDecodeException(
                    file, "corrupt or truncated image (" + oneLine(e) + ")", e);
        }
    }

    private static boolean signalsMissingData(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("premature end")
                || w.contains("truncat")
                || w.contains("end of file")
                || w.contains("eof");
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e && root.getMessage() != null) {
            msg += ": " + root.getMessage();
        }
        return JsonFiles.oneLine(msg);
    }

    /**
     * Converts any decoded image to {@code TYPE_INT_RGB} 8-bit sRGB, alpha composited on white. An
     * image that already is {@code TYPE_INT_RGB} is returned as is.
     */
    public static BufferedImage toRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_INT_RGB) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        ColorModel cm = src.getColorModel();
        Raster raster = src.getRaster();
        int[] row = new int[w];
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && !(cm instanceof IndexColorModel)) {
            grayRows(src, cm, raster, out, row);
        } else if (src.getType() == BufferedImage.TYPE_3BYTE_BGR
                && raster.getDataBuffer() instanceof DataBufferByte bytes
                && bytes.getNumBanks() == 1
                && bytes.getData().length == 3 * w * h) {
            // what JPEGs decode to: straight into the output's pixels (setRGB per row cost ~1 ms a photo)
            byte[] data = bytes.getData();
            int[] pixels = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
            for (int i = 0, p = 0; i < pixels.length; i++, p += 3) {
                pixels[i] = (data[p + 2] & 0xff) << 16 | (data[p + 1] & 0xff) << 8 | (data[p] & 0xff);
            }
        } else {
            boolean alpha = cm.hasAlpha();
            for (int y = 0; y < h; y++) {
                src.getRGB(0, y, w, 1, row, 0, w); // non-premultiplied ARGB, sRGB
                if (alpha) {
                    for (int x = 0; x < w; x++) {
                        row[x] = onWhite(row[x]);
                    }
                }
                out.setRGB(0, y, w, 1, row, 0, w);
            }
        }
        return out;
    }

    private static void grayRows(
            BufferedImage src, ColorModel cm, Raster raster, BufferedImage out, int[] row) {
        int w = src.getWidth();
        double grayMax = (1L << cm.getComponentSize(0)) - 1;
        boolean alpha = cm.hasAlpha() && raster.getNumBands() > 1;
        double alphaMax = alpha ? (1L << cm.getComponentSize(1)) - 1 : 1;
        boolean premultiplied = cm.isAlphaPremultiplied();
        int[] g = new int[w];
        int[] a = new int[w];
        for (int y = 0; y < src.getHeight(); y++) {
            raster.getSamples(0, y, w, 1, 0, g);
            if (alpha) {
                raster.getSamples(0, y, w, 1, 1, a);
            }
            for (int x = 0; x < w; x++) {
                double v = g[x] / grayMax * 255.0;
                if (alpha) {
                    double al = a[x] / alphaMax;
                    v = premultiplied ? v + 255.0 * (1 - al) : v * al + 255.0 * (1 - al);
                }
                int b = clamp((int) Math.round(v));
                row[x] = b << 16 | b << 8 | b;
            }
            out.setRGB(0, y, w, 1, row, 0, w);
        }
    }

    private static int onWhite(int argb) {
        int a = argb >>> 24;
        if (a == 255) {
            return argb & 0xffffff;
        }
        int r = (argb >> 16 & 0xff) * a / 255 + 255 - a;
        int g = (argb >> 8 & 0xff) * a / 255 + 255 - a;
        int b = (argb & 0xff) * a / 255 + 255 - a;
        return clamp(r) << 16 | clamp(g) << 8 | clamp(b);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }

    /**
     * Resizes {@code image} to {@code size}×{@code size} (aspect ratio not kept, as the model wants
     * a square) and returns its RGB bytes in CHW order: all R, then all G, then all B; length
     * {@code 3*size*size}, values 0..255 as unsigned bytes.
     *
     * <p>Large downscales halve the image repeatedly with bilinear filtering before the final
     * bilinear step, which approximates area averaging and avoids aliasing.
     */
    public static byte[] resizeToBytes(BufferedImage image, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
        BufferedImage current = toRgb(image);
        int w = current.getWidth();
        int h = current.getHeight();
        while (w >= 2 * size || h >= 2 * size) {
            int nw = w >= 2 * size ? w / 2 : w;
            int nh = h >= 2 * size ? h / 2 : h;
            current = scale(current, nw, nh);
            w = nw;
            h = nh;
        }
        if (w != size || h != size) {
            current = scale(current, size, size);
        }
        return chwBytes(current);
    }

    private static BufferedImage scale(BufferedImage src, int w, int h) {
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return dst;
    }

    /** The pixels of a {@code TYPE_INT_RGB} image as CHW bytes. */
    static byte[] chwBytes(BufferedImage rgb) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int plane = w * h;
        byte[] out = new byte[3 * plane];
        if (rgb.getType() == BufferedImage.TYPE_INT_RGB
                && rgb.getRaster().getDataBuffer() instanceof DataBufferInt ints
                && ints.getNumBanks() == 1
                && ints.getData().length == plane) { // the images scale() makes: read the pixels directly
            int[] pixels = ints.getData();
            for (int p = 0; p < plane; p++) {
                int v = pixels[p];
                out[p] = (byte) (v >> 16);
                out[plane + p] = (byte) (v >> 8);
                out[2 * plane + p] = (byte) v;
            }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            rgb.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int v = row[x];
                out[p] = (byte) (v >> 16);
                out[plane + p] = (byte) (v >> 8);
                out[2 * plane + p] = (byte) v;
            }
        }
        return out;
    }

    /**
     * Converts CHW bytes (length divisible by 3) to floats {@code (v/255 - mean[c]) / std[c]} with
     * the ImageNet {@link #MEAN} and {@link #STD}.
     */
    public static float[] normalize(byte[] chw) {
        if (chw.length % 3 != 0) {
            throw new IllegalArgumentException(
                    "CHW length must be divisible by 3, got " + chw.length);
        }
        int plane = chw.length / 3;
        float[] out = new float[chw.length];
        for (int c = 0; c < 3; c++) {
            float mean = MEAN[c];
            float invStd = 1f / STD[c];
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                out[i] = ((chw[i] & 0xff) / 255f - mean) * invStd;
            }
        }
        return out;
    }

    /**
     * {@link #readRgb(Path, long)} for an image held in memory (an upload): the same readers, the
     * same header-size check before decoding and the same errors, which name {@code name}.
     *
     * @param name how messages refer to the image (e.g. {@code "upload"}); not a file to open
     * @throws ImageDecodeException for empty, non-image, corrupt, truncated or too large bytes
     */
    public static BufferedImage readRgb(byte[] encoded, String name, long maxPixels) {
        Path label;
        try {
            label = Path.of(name);
        } catch (java.nio.file.InvalidPathException e) {
            label = Path.of("image");
        }
        if (encoded.length == 0) {
            throw new ImageDecodeException(label, "empty image (0 bytes)");
        }
        return decodeAny(
                label,
                () -> new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded)),
                maxPixels);
    }
}

package dev.kvcap.data;

import dev.kvcap.config.ModelConfig;
import java.util.Arrays;
import java.util.List;

/**
 * How the retrieval memory compares images to find an image's nearest captioned ones
 * ({@link CellIndex}; {@code model.memoryFeatures}, docs/MEMORY-RETRIEVAL.md): a fixed-width byte
 * vector per image, compared by the cosine of its centred form ({@link CellIndex#unitVector}).
 *
 * <ul>
 *   <li>{@link #PIXELS}: a 16×16 RGB thumbnail (box average). What models before the option used.
 *   <li>{@link #GRADIENTS}: histograms of oriented gradients (Dalal and Triggs 2005, without block
 *       normalisation) of the grey image on an 8×8 and a 4×4 grid of cells, 9 unsigned
 *       orientations each, square-rooted, each grid scaled so its largest bin is 255: shape
 *       without colour, and little moved by the small shifts a thumbnail's pixels are.
 *   <li>{@link #GRADIENTS_COLOUR}: both of the above side by side: shape and colour.
 * </ul>
 *
 * <p>Every descriptor has the same width whatever the image size (the grids divide the image).
 */
public enum ImageDescriptor {
    PIXELS("pixels"),
    GRADIENTS("gradients"),
    GRADIENTS_COLOUR("gradients+colour");

    /** Thumbnail side of {@link #PIXELS}. */
    public static final int SIDE = 16;

    private static final int PIXEL_WIDTH = 3 * SIDE * SIDE;
    private static final int BINS = 9;
    private static final int[] GRIDS = {8, 4};
    private static final int GRADIENT_WIDTH = BINS * (GRIDS[0] * GRIDS[0] + GRIDS[1] * GRIDS[1]);

    private final String label;

    ImageDescriptor(String label) {
        this.label = label;
    }

    /** The name configs and files use: {@code pixels}, {@code gradients}, {@code gradients+colour}. */
    public String label() {
        return label;
    }

    /** The descriptor a config names. */
    public static ImageDescriptor named(String label) {
        for (ImageDescriptor d : values()) {
            if (d.label.equals(label)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown image features '" + label + "' (known: " + String.join(", ", labels()) + ")");
    }

    /** The descriptor a model's retrieval memory finds its neighbours with ({@code model.memoryFeatures}). */
    public static ImageDescriptor of(ModelConfig model) {
        return named(model.memoryFeatures());
    }

    /** The labels, for help texts and errors. */
    public static List<String> labels() {
        return Arrays.stream(values()).map(ImageDescriptor::label).toList();
    }

    /** Bytes per image. */
    public int width() {
        return switch (this) {
            case PIXELS -> PIXEL_WIDTH;
            case GRADIENTS -> GRADIENT_WIDTH;
            case GRADIENTS_COLOUR -> GRADIENT_WIDTH + PIXEL_WIDTH;
        };
    }

    /** The descriptor of an image given as CHW bytes at {@code size}². */
    public byte[] describe(byte[] chw, int size) {
        if (chw.length != 3 * size * size) {
            throw new IllegalArgumentException("expected " + 3 * size * size + " CHW bytes, got " + chw.length);
        }
        return switch (this) {
            case PIXELS -> thumbnail(chw, size);
            case GRADIENTS -> gradients(chw, size);
            case GRADIENTS_COLOUR -> {
                byte[] out = new byte[width()];
                System.arraycopy(gradients(chw, size), 0, out, 0, GRADIENT_WIDTH);
                System.arraycopy(thumbnail(chw, size), 0, out, GRADIENT_WIDTH, PIXEL_WIDTH);
                yield out;
            }
        };
    }

    /** SIDE×SIDE RGB thumbnail (CHW bytes, box average) of CHW bytes at {@code size}². */
    static byte[] thumbnail(byte[] chw, int size) {
        int[] sum = new int[PIXEL_WIDTH];
        int[] n = new int[PIXEL_WIDTH];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                int ty = y * SIDE / size;
                for (int x = 0; x < size; x++) {
                    int cell = c * SIDE * SIDE + ty * SIDE + x * SIDE / size;
                    sum[cell] += chw[c * size * size + y * size + x] & 0xff;
                    n[cell]++;
                }
            }
        }
        byte[] out = new byte[PIXEL_WIDTH];
        for (int i = 0; i < PIXEL_WIDTH; i++) {
            out[i] = (byte) (n[i] == 0 ? 0 : Math.round((float) sum[i] / n[i]));
        }
        return out;
    }

    /**
     * The oriented-gradient histograms: grey = mean of R, G, B; central differences inside the
     * border (the border pixels count nothing); a pixel adds its gradient's magnitude to the bin of
     * its orientation modulo π in its cell of each grid.
     */
    private static byte[] gradients(byte[] chw, int size) {
        int plane = size * size;
        float[] grey = new float[plane];
        for (int i = 0; i < plane; i++) {
            grey[i] = ((chw[i] & 0xff) + (chw[plane + i] & 0xff) + (chw[2 * plane + i] & 0xff)) / 3f;
        }
        double[][] hist = new double[GRIDS.length][];
        for (int g = 0; g < GRIDS.length; g++) {
            hist[g] = new double[GRIDS[g] * GRIDS[g] * BINS];
        }
        for (int y = 1; y < size - 1; y++) {
            for (int x = 1; x < size - 1; x++) {
                double gx = grey[y * size + x + 1] - grey[y * size + x - 1];
                double gy = grey[(y + 1) * size + x] - grey[(y - 1) * size + x];
                double magnitude = Math.sqrt(gx * gx + gy * gy);
                if (magnitude == 0) {
                    continue;
                }
                double angle = Math.atan2(gy, gx);
                if (angle < 0) {
                    angle += Math.PI;
                } else if (angle >= Math.PI) {
                    angle -= Math.PI; // unsigned: π is 0
                }
                int bin = Math.min(BINS - 1, (int) (angle / Math.PI * BINS));
                for (int g = 0; g < GRIDS.length; g++) {
                    int cell = (y * GRIDS[g] / size) * GRIDS[g] + x * GRIDS[g] / size;
                    hist[g][cell * BINS + bin] += magnitude;
                }
            }
        }
        byte[] out = new byte[GRADIENT_WIDTH];
        int at = 0;
        for (double[] h : hist) {
            double max = 0;
            for (int i = 0; i < h.length; i++) {
                h[i] = Math.sqrt(h[i]);
                max = Math.max(max, h[i]);
            }
            for (double v : h) {
                out[at++] = (byte) (max == 0 ? 0 : Math.round(255 * v / max));
            }
        }
        return out;
    }
}

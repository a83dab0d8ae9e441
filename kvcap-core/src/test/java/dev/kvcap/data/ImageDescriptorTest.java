package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.config.ModelConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageDescriptorTest {

    /** A square of colour (r, g, b) on a white page, its top-left corner at (x0, y0), side s. */
    private static byte[] square(int size, int x0, int y0, int s, int r, int g, int b) {
        byte[] chw = new byte[3 * size * size];
        Arrays.fill(chw, (byte) 255);
        int[] rgb = {r, g, b};
        for (int c = 0; c < 3; c++) {
            for (int y = y0; y < y0 + s; y++) {
                for (int x = x0; x < x0 + s; x++) {
                    chw[c * size * size + y * size + x] = (byte) rgb[c];
                }
            }
        }
        return chw;
    }

    /** A disc of grey {@code shade} on a white page. */
    private static byte[] disc(int size, int cx, int cy, int radius, int shade) {
        byte[] chw = new byte[3 * size * size];
        Arrays.fill(chw, (byte) 255);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) {
                        chw[c * size * size + y * size + x] = (byte) shade;
                    }
                }
            }
        }
        return chw;
    }

    private static float cosine(ImageDescriptor d, byte[] a, byte[] b, int size) {
        float[] u = CellIndex.unitVector(d.describe(a, size));
        float[] v = CellIndex.unitVector(d.describe(b, size));
        float s = 0;
        for (int i = 0; i < u.length; i++) {
            s += u[i] * v[i];
        }
        return s;
    }

    @Test
    void everyDescriptorHasOneWidthWhateverTheImageSize() {
        assertEquals(768, ImageDescriptor.PIXELS.width());
        assertEquals(9 * (64 + 16), ImageDescriptor.GRADIENTS.width());
        assertEquals(720 + 768, ImageDescriptor.GRADIENTS_COLOUR.width());
        for (ImageDescriptor d : ImageDescriptor.values()) {
            for (int size : new int[] {32, 64, 224}) {
                assertEquals(d.width(), d.describe(square(size, 4, 4, size / 2, 0, 0, 0), size).length, d + " at " + size);
            }
        }
    }

    @Test
    void pixelsAreTheThumbnailAndColourIsAppendedToTheGradients() {
        byte[] img = square(64, 10, 20, 30, 200, 40, 10);
        assertArrayEquals(CellIndex.thumbnail(img, 64), ImageDescriptor.PIXELS.describe(img, 64));
        byte[] both = ImageDescriptor.GRADIENTS_COLOUR.describe(img, 64);
        assertArrayEquals(ImageDescriptor.GRADIENTS.describe(img, 64), Arrays.copyOfRange(both, 0, 720));
        assertArrayEquals(CellIndex.thumbnail(img, 64), Arrays.copyOfRange(both, 720, both.length));
    }

    @Test
    void aVerticalEdgeFillsTheHorizontalGradientsBinOfTheCellsItCrosses() {
        byte[] chw = new byte[3 * 64 * 64]; // black left half, white right half: the edge at x = 31.5
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 64; y++) {
                for (int x = 32; x < 64; x++) {
                    chw[c * 64 * 64 + y * 64 + x] = (byte) 255;
                }
            }
        }
        byte[] d = ImageDescriptor.GRADIENTS.describe(chw, 64);
        for (int cy = 0; cy < 8; cy++) {
            for (int cx = 0; cx < 8; cx++) {
                for (int bin = 0; bin < 9; bin++) {
                    int v = d[(cy * 8 + cx) * 9 + bin] & 0xff;
                    boolean edge = (cx == 3 || cx == 4) && bin == 0; // x = 31 and 32 are in cells 3 and 4
                    // the top and bottom cells lose their border row: √(7/8) of the others
                    assertTrue(edge ? v >= 238 : v == 0, "cell (" + cx + ", " + cy + ") bin " + bin + ": " + v);
                }
            }
        }
    }

    @Test
    void gradientsSeeShapeNotColourAndGradientsAndColourSeeBoth() {
        byte[] red = square(64, 16, 16, 32, 255, 0, 0);
        byte[] blue = square(64, 16, 16, 32, 0, 0, 255); // the same grey as the red one
        assertArrayEquals(ImageDescriptor.GRADIENTS.describe(red, 64), ImageDescriptor.GRADIENTS.describe(blue, 64));
        assertFalse(Arrays.equals(
                ImageDescriptor.GRADIENTS_COLOUR.describe(red, 64), ImageDescriptor.GRADIENTS_COLOUR.describe(blue, 64)));
    }

    @Test
    void aShapeMovedAFewPixelsStaysNearerItselfThanAnotherShapeInTheSamePlace() {
        byte[] square = square(64, 16, 16, 32, 40, 40, 40);
        byte[] moved = square(64, 19, 18, 32, 40, 40, 40);
        byte[] disc = disc(64, 32, 32, 18, 40);
        float same = cosine(ImageDescriptor.GRADIENTS, square, moved, 64);
        float other = cosine(ImageDescriptor.GRADIENTS, square, disc, 64);
        assertTrue(same > other, "moved square " + same + ", disc " + other);
    }

    @Test
    void aConfigNamesADescriptorByItsLabel() {
        for (ImageDescriptor d : ImageDescriptor.values()) {
            assertEquals(d, ImageDescriptor.named(d.label()));
        }
        assertEquals(ModelConfig.MEMORY_FEATURES, ImageDescriptor.labels(), "the config accepts exactly the descriptors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageDescriptor.named("hog"));
        assertTrue(e.getMessage().contains("'hog'") && e.getMessage().contains("gradients+colour"), e.getMessage());
    }
}

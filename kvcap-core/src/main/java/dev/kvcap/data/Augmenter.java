package dev.kvcap.data;

import java.util.Random;

/**
 * Training-time augmentation of CHW byte images ({@link ImageLoader#resizeToBytes} layout): a
 * random translation of up to {@code maxShift} pixels per axis and a random zoom by a factor in [1
 * − {@code maxScale}, 1 + {@code maxScale}] around the centre, bilinear, with edge-replicate
 * padding; optionally a horizontal flip.
 *
 * <p>The flip is <b>off by default</b>: captions say "left of" and "right of", and a mirrored image
 * with an unchanged caption teaches the model the wrong relation.
 *
 * <p>Deterministic given the {@link Random}: every call draws the same number of values in the same
 * order, whatever the settings. Immutable and thread-safe (the {@code Random} is the caller's).
 */
public final class Augmenter {

    private final int maxShift;
    private final double maxScale;
    private final boolean flip;

    /**
     * @param maxShift largest translation per axis in pixels (≥ 0)
     * @param maxScale largest relative zoom change (0 ≤ maxScale < 1)
     * @param flip whether to mirror horizontally with probability ½
     */
    public Augmenter(int maxShift, double maxScale, boolean flip) {
        if (maxShift < 0 || maxScale < 0 || maxScale >= 1) {
            throw new IllegalArgumentException(
                    "need maxShift >= 0 and 0 <= maxScale < 1, got " + maxShift + ", " + maxScale);
        }
        this.maxShift = maxShift;
        this.maxScale = maxScale;
        this.flip = flip;
    }

    /**
     * Defaults for images of side {@code size}: shift up to size/16 pixels (4 at 64), zoom ±5%, no
     * flip.
     */
    public static Augmenter defaults(int size) {
        return new Augmenter(Math.max(1, size / 16), 0.05, false);
    }

    /** An augmenter that returns its input unchanged (as a copy). */
    public static Augmenter none() {
        return new Augmenter(0, 0, false);
    }

    /** A new, augmented {@code 3*size*size} CHW image; the input is not modified. */
    public byte[] apply(byte[] chw, int size, Random rng) {
        if (chw.length != 3 * size * size) {
            throw new IllegalArgumentException(
                    "expected 3*" + size + "*" + size + " bytes, got " + chw.length);
        }
        int dx = rng.nextInt(2 * maxShift + 1) - maxShift;
        int dy = rng.nextInt(2 * maxShift + 1) - maxShift;
        double scale = 1 + (rng.nextDouble() * 2 - 1) * maxScale;
        boolean mirror = rng.nextBoolean() && flip;
        if (dx == 0 && dy == 0 && scale == 1 && !mirror) {
            return chw.clone();
        }
        int plane = size * size;
        byte[] out = new byte[chw.length];
        double c = (size - 1) / 2.0;
        for (int y = 0; y < size; y++) {
            double sy = clamp((y - dy - c) / scale + c, size);
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(size - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < size; x++) {
                int xo = mirror ? size - 1 - x : x;
                double sx = clamp((xo - dx - c) / scale + c, size);
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(size - 1, x0 + 1);
                double fx = sx - x0;
                for (int ch = 0; ch < 3; ch++) {
                    int base = ch * plane;
                    double top =
                            (1 - fx) * (chw[base + y0 * size + x0] & 0xff)
                                    + fx * (chw[base + y0 * size + x1] & 0xff);
                    double bottom =
                            (1 - fx) * (chw[base + y1 * size + x0] & 0xff)
                                    + fx * (chw[base + y1 * size + x1] & 0xff);
                    out[base + y * size + x] = (byte) Math.round((1 - fy) * top + fy * bottom);
                }
            }
        }
        return out;
    }

    private static double clamp(double v, int size) {
        return v < 0 ? 0 : Math.min(size - 1, v);
    }

    @Override
    public String toString() {
        return "Augmenter[maxShift=" + maxShift + ", maxScale=" + maxScale + ", flip=" + flip + "]";
    }
}

package dev.kvcap.train;

import java.util.Random;

/**
 * Training-time augmentation: a random translation of up to {@code shift} pixels with edge
 * replication. No flips and no colour changes, because captions say "left of" and "red".
 */
final class Augment {

    private final int size;
    private final int shift;

    Augment(int size, int shift) {
        this.size = size;
        this.shift = shift;
    }

    /** A shifted copy of the CHW bytes (the input itself when the shift is 0). */
    byte[] apply(byte[] chw, Random rng) {
        if (shift == 0) {
            return chw;
        }
        int dx = rng.nextInt(2 * shift + 1) - shift;
        int dy = rng.nextInt(2 * shift + 1) - shift;
        if (dx == 0 && dy == 0) {
            return chw;
        }
        byte[] out = new byte[chw.length];
        int plane = size * size;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                int sy = Math.min(size - 1, Math.max(0, y - dy));
                for (int x = 0; x < size; x++) {
                    int sx = Math.min(size - 1, Math.max(0, x - dx));
                    out[c * plane + y * size + x] = chw[c * plane + sy * size + sx];
                }
            }
        }
        return out;
    }
}

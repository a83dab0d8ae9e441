package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

class AugmenterTest {

    private static final int S = 16;

    /** Left half red, right half blue, as CHW bytes. */
    private static byte[] redBlue() {
        return ImageLoader.resizeToBytes(TestImages.redBlue(S, S), S);
    }

    @Test
    void noneReturnsAnEqualCopy() {
        byte[] in = redBlue();
        byte[] out = Augmenter.none().apply(in, S, new Random(1));
        assertArrayEquals(in, out);
        out[0] = 7;
        assertFalse(in[0] == 7);
    }

    @Test
    void sameRandomSeedGivesSameResult() {
        Augmenter aug = Augmenter.defaults(S);
        byte[] in = ImageLoader.resizeToBytes(ImageLoaderTest.noise(S, S), S);
        assertArrayEquals(aug.apply(in, S, new Random(5)), aug.apply(in, S, new Random(5)));
        boolean differs = false;
        for (int seed = 0; seed < 5; seed++) {
            differs |= !Arrays.equals(in, aug.apply(in, S, new Random(seed)));
        }
        assertFalse(!differs, "some seed must change the image");
    }

    @Test
    void shiftReplicatesEdgesInsteadOfPaddingBlack() {
        Augmenter aug = new Augmenter(4, 0, false);
        byte[] in = redBlue();
        for (int seed = 0; seed < 20; seed++) {
            byte[] out = aug.apply(in, S, new Random(seed));
            // Every pixel is still pure red or pure blue: no black or grey padding appears.
            for (int p = 0; p < S * S; p++) {
                int r = out[p] & 0xff;
                int b = out[2 * S * S + p] & 0xff;
                assertEquals(255, r + b, "pixel " + p + " seed " + seed);
            }
            // The left edge stays red and the right edge blue: a 4-pixel shift cannot swap sides.
            assertEquals(255, out[0] & 0xff);
            assertEquals(255, out[2 * S * S + S - 1] & 0xff);
        }
    }

    @Test
    void flipIsOffByDefaultSoLeftStaysLeft() {
        Augmenter aug = Augmenter.defaults(S);
        for (int seed = 0; seed < 50; seed++) {
            byte[] out = aug.apply(redBlue(), S, new Random(seed));
            assertEquals(255, out[S * (S / 2)] & 0xff, "left column red, seed " + seed);
        }
    }

    @Test
    void flipWhenEnabledMirrorsTheImage() {
        Augmenter aug = new Augmenter(0, 0, true);
        boolean flipped = false;
        for (int seed = 0; seed < 20; seed++) {
            byte[] out = aug.apply(redBlue(), S, new Random(seed));
            flipped |= (out[2 * S * S] & 0xff) == 255; // top-left pixel blue
        }
        assertFalse(!flipped, "some seed must flip");
    }

    @Test
    void wrongLengthIsRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> Augmenter.none().apply(new byte[5], S, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new Augmenter(-1, 0, false));
    }
}

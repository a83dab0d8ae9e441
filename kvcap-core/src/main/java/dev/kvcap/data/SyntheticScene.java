package dev.kvcap.data;

import java.util.List;
import java.util.Locale;

/**
 * One synthetic picture: one to three coloured shapes on a light, slightly noisy background.
 * Coordinates are in pixels of an {@code imageSize}² image, y pointing down.
 *
 * @param items the shapes; with two or three they are ordered along {@code axis} (left to right, or
 *     top to bottom), so {@code items.get(0)} is the left or upper one
 * @param axis how the shapes are arranged; {@code null} for a single shape
 * @param noiseSeed seed of the per-pixel noise and background tint
 */
record SyntheticScene(List<SyntheticScene.Item> items, Axis axis, long noiseSeed) {

    SyntheticScene {
        items = List.copyOf(items);
    }

    /** Shape colours: name and sRGB value. */
    enum Colour {
        RED(0xdc2828),
        GREEN(0x28aa3c),
        BLUE(0x2850dc),
        YELLOW(0xebc81e),
        PURPLE(0x8c3cb4),
        ORANGE(0xf5821e);

        final int rgb;

        Colour(int rgb) {
            this.rgb = rgb;
        }

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Shape outlines. */
    enum Kind {
        CIRCLE,
        SQUARE,
        TRIANGLE,
        DIAMOND;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Shape sizes, as a radius in units of the image side. */
    enum Size {
        SMALL(0.085),
        LARGE(0.14);

        final double radius;

        Size(double radius) {
            this.radius = radius;
        }

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Horizontal: left/right relations; vertical: above/below. */
    enum Axis {
        HORIZONTAL,
        VERTICAL
    }

    /** One shape: what it is and where its centre lies. */
    record Item(Colour colour, Kind kind, Size size, double x, double y) {

        /** The colour–shape pair as an index 0..23 ({@code colour * 4 + kind}). */
        int object() {
            return colour.ordinal() * Kind.values().length + kind.ordinal();
        }

        /** "small red circle". */
        String full() {
            return size.word() + " " + colour.word() + " " + kind.word();
        }

        /** "red circle". */
        String brief() {
            return colour.word() + " " + kind.word();
        }
    }

    /**
     * Which axis dominates the displacement from {@code a} to {@code b}: horizontal if |dx| ≥ |dy|.
     * This is how captions decide between "left of/right of" and "above/below".
     */
    static Axis dominantAxis(Item a, Item b) {
        return Math.abs(b.x() - a.x()) >= Math.abs(b.y() - a.y()) ? Axis.HORIZONTAL : Axis.VERTICAL;
    }
}

package dev.kvcap.data;

import dev.kvcap.data.SyntheticScene.Axis;
import dev.kvcap.data.SyntheticScene.Colour;
import dev.kvcap.data.SyntheticScene.Item;
import dev.kvcap.data.SyntheticScene.Kind;
import dev.kvcap.data.SyntheticScene.Size;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Draws random scenes whose layout makes every caption true: shapes do not overlap, and in a two-
 * or three-shape scene one axis clearly dominates (the cross-axis offset is at most 40% of the
 * along-axis offset), so "left of" or "above" is unambiguous.
 */
final class SyntheticSceneSampler {

    private final int imageSize;
    private final Random rng;

    SyntheticSceneSampler(int imageSize, Random rng) {
        this.imageSize = imageSize;
        this.rng = rng;
    }

    /** A scene for training or validation: no held-out composition anywhere in it. */
    SyntheticScene seen() {
        double u = rng.nextDouble();
        int n = u < 0.30 ? 1 : u < 0.75 ? 2 : 3;
        while (true) {
            SyntheticScene s = scene(n);
            if (!HeldOutRule.containsHeldOut(s)) {
                return s;
            }
        }
    }

    /** A scene for the test split: two or three shapes with at least one held-out pair. */
    SyntheticScene unseen() {
        int n = rng.nextDouble() < 0.75 ? 2 : 3;
        while (true) {
            SyntheticScene s = scene(n);
            if (HeldOutRule.containsHeldOut(s)) {
                return s;
            }
        }
    }

    private SyntheticScene scene(int n) {
        List<Item> kinds = distinctObjects(n);
        long noiseSeed = rng.nextLong();
        if (n == 1) {
            return new SyntheticScene(List.of(placeAlone(kinds.get(0))), null, noiseSeed);
        }
        Axis axis = rng.nextBoolean() ? Axis.HORIZONTAL : Axis.VERTICAL;
        List<Item> placed = n == 2 ? placePair(kinds, axis) : placeRow(kinds, axis);
        return new SyntheticScene(placed, axis, noiseSeed);
    }

    /** {@code n} items with distinct colour–shape pairs, positions unset. */
    private List<Item> distinctObjects(int n) {
        List<Item> out = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        while (out.size() < n) {
            Item it =
                    new Item(pick(Colour.values()), pick(Kind.values()), pick(Size.values()), 0, 0);
            if (used.add(it.object())) {
                out.add(it);
            }
        }
        return out;
    }

    private <T> T pick(T[] values) {
        return values[rng.nextInt(values.length)];
    }

    private double radius(Item it) {
        return it.size().radius * imageSize;
    }

    /** A single shape in one cell of a 3×3 grid, jittered a little. */
    private Item placeAlone(Item it) {
        double cell = imageSize / 3.0;
        double r = radius(it);
        double x = (rng.nextInt(3) + 0.5) * cell + (rng.nextDouble() - 0.5) * 0.15 * cell;
        double y = (rng.nextInt(3) + 0.5) * cell + (rng.nextDouble() - 0.5) * 0.15 * cell;
        return at(it, clamp(x, r), clamp(y, r));
    }

    /** Two shapes anywhere, separated along {@code axis}, returned first-then-second. */
    private List<Item> placePair(List<Item> items, Axis axis) {
        Item a = items.get(0);
        Item b = items.get(1);
        double ra = radius(a);
        double rb = radius(b);
        double gap = 0.06 * imageSize;
        while (true) {
            double a1 = uniform(ra);
            double a2 = uniform(rb);
            double c1 = uniform(ra);
            double c2 = uniform(rb);
            double along = Math.abs(a2 - a1);
            if (along < ra + rb + gap || Math.abs(c2 - c1) > 0.4 * along) {
                continue;
            }
            Item pa = axis == Axis.HORIZONTAL ? at(a, a1, c1) : at(a, c1, a1);
            Item pb = axis == Axis.HORIZONTAL ? at(b, a2, c2) : at(b, c2, a2);
            return a1 < a2 ? List.of(pa, pb) : List.of(pb, pa);
        }
    }

    /** Three shapes in a row (or column) at 1/6, 1/2 and 5/6 of the side, jittered. */
    private List<Item> placeRow(List<Item> items, Axis axis) {
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Item it = items.get(i);
            double r = radius(it);
            double along =
                    (2 * i + 1) / 6.0 * imageSize + (rng.nextDouble() - 0.5) * 0.03 * imageSize;
            double cross = imageSize / 2.0 + (rng.nextDouble() - 0.5) * 0.12 * imageSize;
            along = clamp(along, r);
            cross = clamp(cross, r);
            out.add(axis == Axis.HORIZONTAL ? at(it, along, cross) : at(it, cross, along));
        }
        return out;
    }

    private double uniform(double r) {
        return r + 1 + rng.nextDouble() * (imageSize - 2 * r - 2);
    }

    private double clamp(double v, double r) {
        return Math.max(r + 1, Math.min(imageSize - r - 1, v));
    }

    private static Item at(Item it, double x, double y) {
        return new Item(it.colour(), it.kind(), it.size(), x, y);
    }
}

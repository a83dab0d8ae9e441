package dev.kvcap.data;

import dev.kvcap.data.SyntheticScene.Axis;
import dev.kvcap.data.SyntheticScene.Item;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The caption grammar of the synthetic data set. Every scene has five templates; the first two are
 * always used and one to three of the others are added at random (3–5 captions per image).
 * Templates are listed in {@code docs/SYNTHETIC.md}. "Full" mentions carry the size ("small red
 * circle"), "brief" ones do not ("red circle"). Relations come from the scene layout: the first
 * item is the left (horizontal) or upper (vertical) one.
 */
final class SyntheticCaptions {

    private SyntheticCaptions() {}

    static List<String> captions(SyntheticScene scene, int imageSize, Random rng) {
        List<String> all =
                switch (scene.items().size()) {
                    case 1 -> single(scene.items().get(0), imageSize);
                    case 2 -> pair(scene.items().get(0), scene.items().get(1), scene.axis());
                    default -> row(scene.items(), scene.axis());
                };
        all = all.stream().map(SyntheticCaptions::articles).toList();
        int extra = 1 + rng.nextInt(3);
        List<String> optional = new ArrayList<>(all.subList(2, all.size()));
        List<String> out = new ArrayList<>(all.subList(0, 2));
        for (int i = 0; i < extra; i++) {
            out.add(optional.remove(rng.nextInt(optional.size())));
        }
        return out;
    }

    /** "a orange circle" → "an orange circle". */
    private static String articles(String caption) {
        return VOWEL_AFTER_A.matcher(caption).replaceAll("an ");
    }

    private static final Pattern VOWEL_AFTER_A = Pattern.compile("\\ba (?=[aeiou])");

    private static List<String> single(Item a, int imageSize) {
        String where = position(a, imageSize);
        return List.of(
                "a " + a.full(),
                "a " + a.full() + " " + where,
                "a " + a.brief() + " " + where,
                "a " + a.brief(),
                "a single " + a.full());
    }

    /** "in the top left", "at the top", "in the center", ... from the 3×3 grid cell. */
    static String position(Item a, int imageSize) {
        int col = Math.min(2, (int) (a.x() * 3 / imageSize));
        int row = Math.min(2, (int) (a.y() * 3 / imageSize));
        String[] rows = {"top", "", "bottom"};
        String[] cols = {"left", "", "right"};
        if (row == 1 && col == 1) {
            return "in the center";
        }
        if (row == 1) {
            return "on the " + cols[col];
        }
        if (col == 1) {
            return "at the " + rows[row];
        }
        return "in the " + rows[row] + " " + cols[col];
    }

    private static List<String> pair(Item a, Item b, Axis axis) {
        if (axis == Axis.HORIZONTAL) {
            return List.of(
                    "a " + a.full() + " left of a " + b.full(),
                    "a " + b.full() + " right of a " + a.full(),
                    "a " + a.brief() + " left of a " + b.brief(),
                    "a " + a.brief() + " and a " + b.brief(),
                    "a " + a.full() + " next to a " + b.full());
        }
        return List.of(
                "a " + a.full() + " above a " + b.full(),
                "a " + b.full() + " below a " + a.full(),
                "a " + a.brief() + " above a " + b.brief(),
                "a " + a.brief() + " and a " + b.brief(),
                "a " + b.brief() + " below a " + a.brief());
    }

    private static List<String> row(List<Item> it, Axis axis) {
        Item a = it.get(0);
        Item b = it.get(1);
        Item c = it.get(2);
        boolean h = axis == Axis.HORIZONTAL;
        String first = h ? "on the left" : "at the top";
        String last = h ? "on the right" : "at the bottom";
        String order = h ? "from left to right" : "from top to bottom";
        return List.of(
                "a " + a.full() + " , a " + b.full() + " and a " + c.full(),
                "a "
                        + a.brief()
                        + " "
                        + first
                        + " , a "
                        + b.brief()
                        + " in the middle and a "
                        + c.brief()
                        + " "
                        + last,
                "a " + a.brief() + " , a " + b.brief() + " and a " + c.brief(),
                "a " + a.brief() + " , a " + b.brief() + " and a " + c.brief() + " " + order,
                "a "
                        + a.full()
                        + " "
                        + first
                        + " , a "
                        + b.full()
                        + " in the middle and a "
                        + c.full()
                        + " "
                        + last);
    }
}

package dev.kvcap.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which training images are one item drawn more than once (an icon's outline and filled styles, a
 * country's flags), so that a training image can be captioned as a test image is: from its nearest
 * <em>other</em> items, never from a copy of itself (a test item is never among the training
 * images). The retrieval memory's training cells ({@link CellIndex#ownCells}) and the fitted
 * choice's training sample ({@code infer.ChoiceFit}) leave out the same images.
 *
 * <p>Two images are one item when <b>every</b> caption of one of them is a caption of the other,
 * or one of the other's with one word more or fewer ("account outline" for "account"). Sharing
 * some captions is not enough: where captions are tags ("direction", "turn off"), many items share
 * one, and leaving them all out would caption training images from farther neighbours than a test
 * image has (docs/REAL-DATA.md, "A second real set").
 *
 * <p>Captions are compared as their tokens joined by single spaces.
 */
public final class SameItem {

    private final List<List<String>> texts; // [N] each image's captions
    private final Map<String, List<Integer>> byCaption = new HashMap<>(); // a caption → the images holding it
    private final Map<String, List<Integer>> byShorter = new HashMap<>(); // a caption less one word → the images

    /** @param texts per image, its captions (tokens joined by single spaces) */
    public SameItem(List<List<String>> texts) {
        this.texts = texts.stream().map(SameItem::nonBlank).toList();
        for (int i = 0; i < this.texts.size(); i++) {
            for (String c : new HashSet<>(this.texts.get(i))) {
                byCaption.computeIfAbsent(c, x -> new ArrayList<>()).add(i);
                for (String s : oneWordFewer(c)) {
                    byShorter.computeIfAbsent(s, x -> new ArrayList<>()).add(i);
                }
            }
        }
    }

    /** The other images of image {@code i}'s item (not {@code i} itself). */
    public Set<Integer> of(int i) {
        Set<Integer> near = new HashSet<>(); // images with a caption equal up to one word: the only ones that can be
        for (String c : texts.get(i)) {
            near.addAll(byCaption.getOrDefault(c, List.of()));
            near.addAll(byShorter.getOrDefault(c, List.of()));
            for (String s : oneWordFewer(c)) {
                near.addAll(byCaption.getOrDefault(s, List.of()));
            }
        }
        near.remove(i);
        near.removeIf(j -> !same(texts.get(i), texts.get(j)));
        return near;
    }

    /** Whether images with captions {@code a} and {@code b} are one item (see the class comment). */
    public static boolean same(List<String> a, List<String> b) {
        List<String> x = nonBlank(a);
        List<String> y = nonBlank(b);
        return !x.isEmpty() && !y.isEmpty() && (covered(x, y) || covered(y, x));
    }

    private static List<String> nonBlank(List<String> captions) {
        return captions.stream().filter(c -> !c.isBlank()).toList();
    }

    /** Whether every caption of {@code a} is one of {@code b}'s, up to one word more or fewer. */
    private static boolean covered(List<String> a, List<String> b) {
        Set<String> whole = new HashSet<>(b);
        Set<String> shorter = new HashSet<>();
        for (String c : b) {
            shorter.addAll(oneWordFewer(c));
        }
        for (String c : a) {
            if (!whole.contains(c) && !shorter.contains(c) && oneWordFewer(c).stream().noneMatch(whole::contains)) {
                return false;
            }
        }
        return true;
    }

    /** The caption with each one of its words left out in turn; none for a caption of one word. */
    static List<String> oneWordFewer(String caption) {
        String[] words = caption.split(" ");
        List<String> out = new ArrayList<>();
        if (words.length < 2) {
            return out;
        }
        for (int skip = 0; skip < words.length; skip++) {
            StringBuilder b = new StringBuilder();
            for (int w = 0; w < words.length; w++) {
                if (w != skip) {
                    b.append(b.length() == 0 ? "" : " ").append(words[w]);
                }
            }
            out.add(b.toString());
        }
        return out;
    }
}

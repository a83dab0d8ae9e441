package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

class SyntheticDatasetTest {

    private static final int N = 400;
    private static final int[] PALETTE = {
        0xdc2828, 0x28aa3c, 0x2850dc, 0xebc81e, 0x8c3cb4, 0xf5821e
    };

    @TempDir static Path shared;
    static SyntheticDataset.Summary summary;
    static List<CaptionedImage> train;
    static List<CaptionedImage> val;
    static List<CaptionedImage> test;

    @BeforeAll
    static void generateOnce() throws Exception {
        summary = SyntheticDataset.generate(shared.resolve("synth"), N, 7L);
        train = CocoCaptions.load(summary.annotations("train"), summary.imageDir("train"));
        val = CocoCaptions.load(summary.annotations("val"), summary.imageDir("val"));
        test = CocoCaptions.load(summary.annotations("test"), summary.imageDir("test"));
    }

    @Test
    void writesCocoLayoutWithEightyTenTenSplits() {
        assertEquals(320, summary.trainImages());
        assertEquals(40, summary.valImages());
        assertEquals(40, summary.testImages());
        assertEquals(320, train.size());
        for (CaptionedImage img : Stream.of(train, val, test).flatMap(List::stream).toList()) {
            assertTrue(Files.isRegularFile(img.file()), img.file().toString());
            assertTrue(img.captions().size() >= 3 && img.captions().size() <= 5, img.toString());
        }
        assertTrue(test.get(0).file().toString().contains("images/test/"));
    }

    @Test
    void imageIdsAreUniqueAcrossSplits() {
        Set<Long> ids = new HashSet<>();
        for (CaptionedImage img : Stream.of(train, val, test).flatMap(List::stream).toList()) {
            assertTrue(ids.add(img.imageId()), "duplicate id " + img.imageId());
        }
        assertEquals(N, ids.size());
    }

    @Test
    void imagesDecodeAtTheRequestedSize() {
        BufferedImage img = ImageLoader.readRgb(train.get(0).file());
        assertEquals(SyntheticDataset.DEFAULT_IMAGE_SIZE, img.getWidth());
        assertEquals(SyntheticDataset.DEFAULT_IMAGE_SIZE, img.getHeight());
    }

    @Test
    void sameSeedGivesIdenticalBytesAndOtherSeedDoesNot(@TempDir Path dir) throws Exception {
        SyntheticDataset.generate(dir.resolve("a"), 30, 123L);
        SyntheticDataset.generate(dir.resolve("b"), 30, 123L);
        SyntheticDataset.generate(dir.resolve("c"), 30, 124L);
        List<Path> files = relativeFiles(dir.resolve("a"));
        assertEquals(relativeFiles(dir.resolve("b")), files);
        assertEquals(30 + 3, files.size());
        boolean anyDifferent = false;
        for (Path rel : files) {
            byte[] a = Files.readAllBytes(dir.resolve("a").resolve(rel));
            assertArrayEquals(a, Files.readAllBytes(dir.resolve("b").resolve(rel)), rel.toString());
            anyDifferent |=
                    !java.util.Arrays.equals(a, Files.readAllBytes(dir.resolve("c").resolve(rel)));
        }
        assertTrue(anyDifferent);
    }

    private static List<Path> relativeFiles(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    // ---- The held-out property, proved from the JSON files alone. ----

    /** A colour–shape mention at token position {@code at}. */
    private record Mention(String object, int at) {}

    private static List<Mention> mentions(List<String> tokens) {
        List<Mention> out = new ArrayList<>();
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (SyntheticDataset.COLOURS.contains(tokens.get(i))
                    && SyntheticDataset.SHAPES.contains(tokens.get(i + 1))) {
                out.add(new Mention(tokens.get(i) + " " + tokens.get(i + 1), i));
            }
        }
        return out;
    }

    /**
     * Relation triples "first|axis|second" that a caption states, first = left or upper object: "X
     * left of Y", "Y right of X", "X above Y", "Y below X", and three-shape rows "X on the left , Y
     * in the middle and Z on the right" / "... from left to right" (and top/bottom).
     */
    static Set<String> relations(String caption) {
        List<String> tokens = CaptionTokenizer.tokenize(caption);
        List<Mention> ms = mentions(tokens);
        Set<String> out = new HashSet<>();
        String joined = String.join(" ", tokens);
        if (ms.size() == 3) {
            String axis =
                    joined.contains("on the left") || joined.contains("from left to right")
                            ? "H"
                            : joined.contains("at the top") || joined.contains("from top to bottom")
                                    ? "V"
                                    : null;
            if (axis != null) {
                out.add(ms.get(0).object() + "|" + axis + "|" + ms.get(1).object());
                out.add(ms.get(1).object() + "|" + axis + "|" + ms.get(2).object());
                out.add(ms.get(0).object() + "|" + axis + "|" + ms.get(2).object());
            }
        }
        for (int k = 0; k + 1 < ms.size(); k++) {
            Mention x = ms.get(k);
            Mention y = ms.get(k + 1);
            List<String> between = new ArrayList<>(tokens.subList(x.at() + 2, y.at()));
            between.removeAll(List.of("a", "an", "small", "large"));
            switch (String.join(" ", between)) {
                case "left of" -> out.add(x.object() + "|H|" + y.object());
                case "right of" -> out.add(y.object() + "|H|" + x.object());
                case "above" -> out.add(x.object() + "|V|" + y.object());
                case "below" -> out.add(y.object() + "|V|" + x.object());
                default -> {}
            }
        }
        return out;
    }

    private static Set<String> relations(List<CaptionedImage> images) {
        Set<String> out = new HashSet<>();
        for (CaptionedImage img : images) {
            for (String c : img.captions()) {
                out.addAll(relations(c));
            }
        }
        return out;
    }

    @Test
    void relationParserReadsTheCaptionGrammar() {
        assertEquals(
                Set.of("red circle|H|blue square"),
                relations("a small red circle left of a large blue square"));
        assertEquals(
                Set.of("red circle|H|blue square"),
                relations("a large blue square right of a small red circle"));
        assertEquals(
                Set.of("red circle|V|orange square"),
                relations("an orange square below a red circle"));
        assertEquals(Set.of(), relations("a red circle and a blue square"));
        assertEquals(
                Set.of(
                        "red circle|V|blue square",
                        "blue square|V|green diamond",
                        "red circle|V|green diamond"),
                relations(
                        "a red circle at the top , a blue square in the middle and a green diamond"
                            + " at the bottom"));
    }

    @Test
    void everyTestImageHoldsACompositionNeverSeenInTraining() {
        Set<String> seen = relations(train);
        assertTrue(seen.size() > 100, "parser found too few training relations: " + seen.size());
        for (CaptionedImage img : test) {
            Set<String> stated = new HashSet<>();
            img.captions().forEach(c -> stated.addAll(relations(c)));
            stated.removeAll(seen);
            assertFalse(
                    stated.isEmpty(),
                    "test image " + img.imageId() + " only repeats training: " + img.captions());
        }
    }

    @Test
    void trainingAndValidationHoldNoHeldOutComposition() {
        for (List<CaptionedImage> split : List.of(train, val)) {
            for (String triple : relations(split)) {
                assertFalse(heldOut(triple), triple);
            }
        }
        assertTrue(relations(test).stream().anyMatch(SyntheticDatasetTest::heldOut));
    }

    /** Applies {@link HeldOutRule} to a parsed "first|axis|second" triple. */
    private static boolean heldOut(String triple) {
        String[] p = triple.split("\\|");
        return HeldOutRule.heldOut(
                objectIndex(p[0]),
                p[1].equals("H") ? SyntheticScene.Axis.HORIZONTAL : SyntheticScene.Axis.VERTICAL,
                objectIndex(p[2]));
    }

    private static int objectIndex(String colourShape) {
        String[] w = colourShape.split(" ");
        return SyntheticDataset.COLOURS.indexOf(w[0]) * 4 + SyntheticDataset.SHAPES.indexOf(w[1]);
    }

    @Test
    void everyTestWordAndColourShapePairAppearsInTraining() {
        Set<String> trainWords = new HashSet<>();
        Set<String> trainObjects = new HashSet<>();
        for (CaptionedImage img : train) {
            for (String c : img.captions()) {
                trainWords.addAll(CaptionTokenizer.tokenize(c));
                mentions(CaptionTokenizer.tokenize(c)).forEach(m -> trainObjects.add(m.object()));
            }
        }
        assertEquals(24, trainObjects.size(), "all 6 colours x 4 shapes in training");
        for (CaptionedImage img : test) {
            for (String c : img.captions()) {
                for (String w : CaptionTokenizer.tokenize(c)) {
                    assertTrue(trainWords.contains(w), "test word not in training: " + w);
                }
            }
        }
    }

    // ---- Captions agree with the pixels. ----

    @Test
    void singleShapeCaptionNamesTheColourInThePicture() {
        int checked = 0;
        for (CaptionedImage img : train) {
            List<String> tokens = CaptionTokenizer.tokenize(img.captions().get(0));
            if (mentions(tokens).size() != 1) {
                continue;
            }
            double[][] centroid = colourCentroids(ImageLoader.readRgb(img.file()));
            int colour =
                    SyntheticDataset.COLOURS.indexOf(
                            mentions(tokens).get(0).object().split(" ")[0]);
            int best = 0;
            for (int c = 1; c < PALETTE.length; c++) {
                if (centroid[c][2] > centroid[best][2]) {
                    best = c;
                }
            }
            assertEquals(colour, best, "image " + img.imageId() + ": " + img.captions().get(0));
            checked++;
        }
        assertTrue(checked > 30);
    }

    @Test
    void leftOfCaptionsMatchPixelPositions() {
        int checked = 0;
        for (CaptionedImage img : train) {
            String caption = img.captions().get(0);
            Set<String> rel = relations(caption);
            if (rel.size() != 1 || mentions(CaptionTokenizer.tokenize(caption)).size() != 2) {
                continue;
            }
            String[] parts = rel.iterator().next().split("\\|");
            int a = SyntheticDataset.COLOURS.indexOf(parts[0].split(" ")[0]);
            int b = SyntheticDataset.COLOURS.indexOf(parts[2].split(" ")[0]);
            if (a == b) {
                continue;
            }
            double[][] centroid = colourCentroids(ImageLoader.readRgb(img.file()));
            int axis = parts[1].equals("H") ? 0 : 1;
            assertTrue(
                    centroid[a][axis] < centroid[b][axis],
                    "image " + img.imageId() + ": " + caption);
            checked++;
        }
        assertTrue(checked > 50, "checked " + checked);
    }

    /** Per palette colour: mean x, mean y and pixel count of pixels close to it. */
    private static double[][] colourCentroids(BufferedImage img) {
        double[][] c = new double[PALETTE.length][3];
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                for (int k = 0; k < PALETTE.length; k++) {
                    int q = PALETTE[k];
                    int d =
                            Math.abs((p >> 16 & 255) - (q >> 16 & 255))
                                    + Math.abs((p >> 8 & 255) - (q >> 8 & 255))
                                    + Math.abs((p & 255) - (q & 255));
                    if (d < 60) {
                        c[k][0] += x;
                        c[k][1] += y;
                        c[k][2]++;
                    }
                }
            }
        }
        for (double[] v : c) {
            if (v[2] > 0) {
                v[0] /= v[2];
                v[1] /= v[2];
            }
        }
        return c;
    }
}

package dev.kvcap.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellIndexTest {

    private static final Vocabulary VOCAB =
            Vocabulary.build(List.of(
                    List.of("a", "red", "circle"), List.of("a", "blue", "square"),
                    List.of("a", "green", "triangle"), List.of("the", "red", "square")), 1);

    /** A flat-colour image with one bright quadrant: which quadrant is the thumbnail's pattern. */
    private static byte[] image(int quadrant, int size, int shade) {
        byte[] chw = new byte[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int q = (y < size / 2 ? 0 : 2) + (x < size / 2 ? 0 : 1);
                    chw[c * size * size + y * size + x] = (byte) (q == quadrant ? 200 + shade : 20);
                }
            }
        }
        return chw;
    }

    private static void add(CellIndex index, byte[] chw, String... captions) {
        List<List<String>> tokens = java.util.Arrays.stream(captions).map(CaptionTokenizer::tokenize).toList();
        index.add(CellIndex.thumbnail(chw, 32), CellIndex.keyWords(VOCAB, tokens),
                tokens.stream().mapToLong(CellIndex::captionKey).toArray(), List.of(captions));
    }

    private static String words(CellIndex.Cells cells) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < cells.words().length && cells.shares()[i] > 0; i++) {
            s.append(i == 0 ? "" : " ").append(VOCAB.word(cells.words()[i]));
        }
        return s.toString();
    }

    private static Set<String> wordSet(CellIndex.Cells cells) {
        return Set.of(words(cells).split(" "));
    }

    @Test
    void aThumbnailIsTheBoxAverageOfTheImage() {
        byte[] chw = new byte[3 * 32 * 32];
        chw[0] = (byte) 160; // one pixel of the first 2x2 box of the red channel
        byte[] t = CellIndex.thumbnail(chw, 32);
        assertEquals(3 * ImageDescriptor.SIDE * ImageDescriptor.SIDE, t.length);
        assertEquals(40, t[0] & 0xff);
        assertEquals(0, t[1]);
    }

    @Test
    void theSearchesCosineIsTheDotProductOfTheBanksUnitKeys() {
        java.util.Random rng = new java.util.Random(3);
        for (int trial = 0; trial < 20; trial++) {
            byte[] a = new byte[CellIndex.WIDTH];
            byte[] b = new byte[CellIndex.WIDTH];
            rng.nextBytes(a);
            rng.nextBytes(b);
            float[] ua = CellIndex.unitVector(a);
            float[] ub = CellIndex.unitVector(b);
            double dot = 0;
            for (int i = 0; i < ua.length; i++) {
                dot += ua[i] * ub[i];
            }
            assertEquals(dot, CellIndex.cosine(a, b), 1e-5);
        }
        assertEquals(1f, CellIndex.cosine(CellIndex.thumbnail(image(1, 32, 0), 32), CellIndex.thumbnail(image(1, 32, 0), 32)), 1e-6f);
        assertEquals(0f, CellIndex.cosine(new byte[CellIndex.WIDTH], CellIndex.thumbnail(image(1, 32, 0), 32)), "a flat image is like nothing");
    }

    @Test
    void keyWordsLeaveOutStopWordsAndUnknownWords() {
        int[] ids = CellIndex.keyWords(VOCAB, List.of(List.of("a", "red", "circle", "zebra", "red"))).get(0);
        assertArrayEquals(new int[] {VOCAB.id("red"), VOCAB.id("circle")}, ids);
    }

    @Test
    void theNearestImagesVoteForTheirCaptionsKeyWordsByShare() {
        CellIndex index = new CellIndex();
        add(index, image(0, 32, 0), "a red circle", "the red square");
        add(index, image(0, 32, 10), "a red circle");
        add(index, image(3, 32, 0), "a green triangle");
        CellIndex.Cells cells = index.cells(CellIndex.thumbnail(image(0, 32, 5), 32), CellIndex.Ballot.equal(2, 4));
        // red: (2/2 + 1/1) / 2 voters = 1; circle: (1/2 + 1/1) / 2 = 0.75; square: (1/2) / 2 = 0.25
        assertEquals("red circle square", words(cells));
        assertEquals(1f, cells.shares()[0], 1e-6f);
        assertEquals(0.75f, cells.shares()[1], 1e-6f);
        assertEquals(0.25f, cells.shares()[2], 1e-6f);
        assertEquals(0, cells.words()[3], "unfilled cells are padding");
        assertEquals(0f, cells.shares()[3]);
    }

    @Test
    void trainingLeavesOutTheImageItselfAndEveryImageSharingOneOfItsCaptions() {
        CellIndex index = new CellIndex();
        add(index, image(0, 32, 0), "a red circle");
        add(index, image(0, 32, 1), "a red circle"); // the same item, drawn again
        add(index, image(1, 32, 0), "a blue square");
        List<CellIndex.Cells> own = index.ownCells(CellIndex.Ballot.equal(1, 3));
        assertEquals(Set.of("blue", "square"), wordSet(own.get(0)));
        assertEquals(Set.of("blue", "square"), wordSet(own.get(1)));
        assertEquals(Set.of("red", "circle"), wordSet(own.get(2)));
    }

    @Test
    void trainingKeepsAnotherItemThatSharesOnlySomeOfTheCaptions() {
        CellIndex index = new CellIndex();
        add(index, image(0, 32, 0), "a red circle", "red");
        add(index, image(0, 32, 1), "a blue circle", "red"); // shares a tag, not the item
        add(index, image(1, 32, 0), "a blue square");
        List<CellIndex.Cells> own = index.ownCells(CellIndex.Ballot.equal(1, 3));
        assertEquals(Set.of("blue", "circle", "red"), wordSet(own.get(0)), "its nearest other item votes");
    }

    @Test
    void taughtNeighboursVoteBesideTheIndexWhenTheyAreNearer() {
        CellIndex index = new CellIndex();
        add(index, image(1, 32, 0), "a blue square");
        byte[] query = CellIndex.thumbnail(image(0, 32, 0), 32);
        List<CellIndex.Neighbour> own = List.of(index.entry(0, CellIndex.cosine(query, CellIndex.thumbnail(image(1, 32, 0), 32))));
        CellIndex.Neighbour taught = new CellIndex.Neighbour(1f, new int[] {VOCAB.id("triangle")}, new int[] {1}, 1);
        assertEquals("triangle", words(CellIndex.vote(own, List.of(taught), CellIndex.Ballot.equal(1, 2))));
        CellIndex.Neighbour far = new CellIndex.Neighbour(-1f, new int[] {VOCAB.id("triangle")}, new int[] {1}, 1);
        assertEquals(Set.of("blue", "square"), wordSet(CellIndex.vote(own, List.of(far), CellIndex.Ballot.equal(1, 2))));
    }

    @Test
    void withAVotePowerTheNearestNeighbourOutvotesTwoFartherOnes() {
        CellIndex.Neighbour near = new CellIndex.Neighbour(0.9f, new int[] {VOCAB.id("circle")}, new int[] {1}, 1);
        CellIndex.Neighbour farA = new CellIndex.Neighbour(0.5f, new int[] {VOCAB.id("square")}, new int[] {1}, 1);
        CellIndex.Neighbour farB = new CellIndex.Neighbour(0.5f, new int[] {VOCAB.id("square")}, new int[] {2}, 2);
        List<CellIndex.Neighbour> voters = List.of(near, farA, farB);
        CellIndex.Cells equal = CellIndex.vote(voters, List.of(), CellIndex.Ballot.equal(3, 2));
        assertEquals("square circle", words(equal), "equal votes: two of three neighbours say square");
        assertEquals(2f / 3, equal.shares()[0], 1e-6f);
        CellIndex.Cells weighted = CellIndex.vote(voters, List.of(), new CellIndex.Ballot(3, 2, 8f));
        assertEquals("circle square", words(weighted));
        double w = Math.pow(0.9, 8) / (Math.pow(0.9, 8) + 2 * Math.pow(0.5, 8)); // the near one's weight
        assertEquals(w, weighted.shares()[0], 1e-6);
        assertEquals(1 - w, weighted.shares()[1], 1e-6);
    }

    @Test
    void votersNoMoreSimilarThanZeroFallBackToEqualVotes() {
        CellIndex.Neighbour a = new CellIndex.Neighbour(-0.2f, new int[] {VOCAB.id("circle")}, new int[] {1}, 1);
        CellIndex.Neighbour b = new CellIndex.Neighbour(0f, new int[] {VOCAB.id("square")}, new int[] {1}, 1);
        CellIndex.Cells cells = CellIndex.vote(List.of(a, b), List.of(), new CellIndex.Ballot(2, 2, 8f));
        assertEquals(0.5f, cells.shares()[0], 1e-6f);
        assertEquals(0.5f, cells.shares()[1], 1e-6f);
    }

    @Test
    void anIndexWrittenBeforeTheDescriptorOptionReadsAsPixelThumbnails(@TempDir Path dir) throws Exception {
        byte[] thumb = CellIndex.thumbnail(image(2, 32, 0), 32);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(0x4b434931); // "KCI1", then the thumbnail side
            out.writeInt(16);
            out.writeInt(1); // one entry: its thumbnail, 1 caption naming "green" once, one caption key
            out.write(thumb);
            out.writeInt(1);
            out.writeInt(1);
            out.writeInt(VOCAB.id("green"));
            out.writeInt(1);
            out.writeInt(1);
            out.writeLong(7L);
        }
        Path file = dir.resolve(CellIndex.FILE);
        Files.write(file, bytes.toByteArray());
        CellIndex old = CellIndex.read(file, VOCAB.size());
        assertEquals(ImageDescriptor.PIXELS, old.descriptor());
        assertEquals("green", words(old.cells(thumb, CellIndex.Ballot.equal(1, 2))));
        assertTrue(old.texts(0).isEmpty() && !old.keepsTexts(), "an index before KCI3 has no captions' text");
    }

    @Test
    void anIndexReadsBackAsWrittenAndRefusesAnotherModelsWords(@TempDir Path dir) throws Exception {
        CellIndex index = new CellIndex();
        add(index, image(0, 32, 0), "a red circle", "the red square");
        add(index, image(3, 32, 0), "a green triangle");
        Path file = dir.resolve(CellIndex.FILE);
        index.write(file);
        CellIndex back = CellIndex.read(file, VOCAB.size());
        assertEquals(2, back.size());
        byte[] q = CellIndex.thumbnail(image(3, 32, 3), 32);
        assertEquals(words(index.cells(q, CellIndex.Ballot.equal(2, 4))), words(back.cells(q, CellIndex.Ballot.equal(2, 4))));
        assertEquals(List.of("a red circle", "the red square"), back.texts(0), "the captions' text is kept");
        assertTrue(back.keepsTexts());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> CellIndex.read(file, 5));
        assertTrue(small.getMessage().contains("another model"), small.getMessage());
        CellIndex gradients = new CellIndex(ImageDescriptor.GRADIENTS);
        gradients.add(ImageDescriptor.GRADIENTS.describe(image(0, 32, 0), 32), List.of(new int[] {VOCAB.id("red")}), new long[] {1L}, List.of());
        gradients.write(file);
        assertEquals(ImageDescriptor.GRADIENTS, CellIndex.read(file, VOCAB.size()).descriptor(), "the descriptor is read back");
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> gradients.add(CellIndex.thumbnail(image(0, 32, 0), 32), List.of(), new long[0], List.of()));
        assertTrue(wide.getMessage().contains("gradients"), wide.getMessage());
        Files.write(file, new byte[] {1, 2, 3});
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> CellIndex.read(file, VOCAB.size()));
        assertTrue(bad.getMessage().contains(file.toString()), bad.getMessage());
    }

    /** A one-entry index written to {@code file}; its bytes. */
    private static byte[] oneEntry(CellIndex index, Path file) throws Exception {
        add(index, image(0, 32, 0), "a red circle");
        index.write(file);
        return Files.readAllBytes(file);
    }

    private static void assertDamaged(Path file, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CellIndex.read(file, VOCAB.size()));
        assertEquals(file + " is truncated or damaged: retrain the model or restore the file", e.getMessage(), why);
    }

    @Test
    void aTruncatedIndexSaysSoAndWhatToDoWithoutAnExceptionsName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(CellIndex.FILE);
        byte[] whole = oneEntry(new CellIndex(), file);
        for (int length : new int[] {0, 6, whole.length / 2, whole.length - 1}) {
            Files.write(file, java.util.Arrays.copyOf(whole, length));
            assertDamaged(file, "cut to " + length + " bytes");
        }
    }

    @Test
    void aLengthLongerThanTheFileIsDamageNotAnOutOfMemoryError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(CellIndex.FILE);
        CellIndex index = new CellIndex();
        byte[] whole = oneEntry(index, file);
        // magic, descriptor label, entry count, thumbnail, caption count, then the first entry's word count
        int at = 4 + 2 + index.descriptor().label().length() + 4 + index.descriptor().width() + 4;
        java.nio.ByteBuffer.wrap(whole).putInt(at, Integer.MAX_VALUE - 8);
        Files.write(file, whole);
        assertDamaged(file, "a word count of 2^31 − 9");
    }
}

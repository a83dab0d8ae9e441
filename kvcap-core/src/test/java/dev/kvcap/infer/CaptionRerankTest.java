package dev.kvcap.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.kvcap.config.Presets;
import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.SavedModel;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionRerankTest {

    @TempDir Path dir;

    @Test
    void theCandidateMostLikelyCandidatesAgreeWithWins() {
        double[][] agree = {
            {5, 0, 0}, // a lone guess: agrees with itself only
            {0, 5, 4}, // two candidates that agree with each other
            {0, 4, 5}};
        assertEquals(1, ConsensusChoice.minimumRisk(new double[] {0.4, 0.3, 0.3}, agree), "the consensus beats the likeliest lone guess");
        assertEquals(0, ConsensusChoice.minimumRisk(new double[] {0.8, 0.1, 0.1}, agree), "unless the model is sure of it");
        assertEquals(0, ConsensusChoice.minimumRisk(new double[] {1, 0, 0}, new double[][] {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}}), "the first on ties");
    }

    /** Each candidate captions one image, at these cosines. */
    private static List<double[]> one(double... cosines) {
        return java.util.Arrays.stream(cosines).mapToObj(c -> new double[] {c}).toList();
    }

    @Test
    void weightsAreTheTemperedProbabilitiesNormalised() {
        List<double[]> alike = one(0.9, 0.9, 0.9);
        double[] w = CaptionRerank.weights(new double[] {-1, -3, -1000}, alike, 2.0, 12);
        assertEquals(1.0, w[0] + w[1] + w[2], 1e-12);
        assertEquals(Math.exp(1.0), w[0] / w[1], 1e-9, "two nats apart at T = 2: e^1");
        assertTrue(w[2] < 1e-200 && w[2] >= 0, "no overflow or NaN far below the best");
        assertArrayEquals(new double[] {0.5, 0.5}, CaptionRerank.weights(new double[] {-700, -700}, one(0.9, 0.9), 2.0, 12), 1e-12);
    }

    @Test
    void aNearerNeighboursCaptionWeighsMoreAtEqualProbability() {
        double[] w = CaptionRerank.weights(new double[] {-2, -2, -2}, one(0.9, 0.45, -0.3), 8.0, 2);
        assertEquals(4.0, w[0] / w[1], 1e-9, "twice the cosine at P = 2: four times the weight");
        assertTrue(w[2] < 1e-15 && w[2] > 0, "a negative cosine weighs almost nothing, and no NaN");
        assertArrayEquals(new double[] {0.5, 0.5}, CaptionRerank.weights(new double[] {-1, -1}, one(0.9, 0.1), 2.0, 0), 1e-12,
                "P = 0: the neighbours alike");
        double[] far = CaptionRerank.weights(new double[] {-1, -3}, one(-0.5, -0.9), 2.0, 12);
        assertEquals(Math.exp(1.0), far[0] / far[1], 1e-9, "all dissimilar: compared by probability");
    }

    @Test
    void aCaptionSeveralNeighboursGiveWeighsAsMuchAsAllOfThem() {
        double[] w = CaptionRerank.weights(new double[] {-2, -2, -2},
                List.of(new double[] {0.9, 0.9}, new double[] {0.9}, new double[] {0.9, 0.45}), 8.0, 2);
        assertEquals(2.0, w[0] / w[1], 1e-9, "two images' caption: twice one image's");
        assertEquals(1.25, w[2] / w[1], 1e-9, "an owner at half the cosine adds a quarter at P = 2");
        double[] tiny = CaptionRerank.weights(new double[] {-1, -1}, List.of(new double[] {1e-300, 1e-300}, new double[] {1e-300}), 1.0, 12);
        assertEquals(2.0, tiny[0] / tiny[1], 1e-9, "summed in logarithms: no underflow to 0/0");
    }

    private Path retrievalModel(Vocabulary vocab, List<String> texts) throws Exception {
        return RetrievalModels.write(dir.resolve(texts.isEmpty() ? "old" : "model"), vocab, texts);
    }

    private static final List<String> THREE = List.of("a red circle", "a red square", "a blue zebra");

    /** A retrieval model (random weights) whose three training images have {@link #THREE}'s captions. */
    private Captioner threeCaptionModel() throws Exception {
        return Captioner.load(retrievalModel(Vocabulary.build(THREE.stream().map(CaptionTokenizer::tokenize).toList(), 1), THREE));
    }

    @Test
    void withSpansOffTheChosenCaptionIsTheModelsOwnOrOneOfItsNeighbours() throws Exception {
        List<String> texts = THREE;
        try (Captioner c = threeCaptionModel()) {
            byte[] image = c.prepare(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB));
            RerankSettings whole = new RerankSettings(3, RerankSettings.TEMPERATURE, RerankSettings.SIMILARITY_POWER, false);
            List<String> chosen = c.rerank(List.of(image, image), List.of("a red", "a red circle"), whole);
            assertEquals(2, chosen.size());
            for (String caption : chosen) {
                assertTrue(Set.of("a red", "a red circle", "a red square", "a blue zebra").contains(caption), caption);
            }
            assertEquals(chosen, c.rerank(List.of(image, image), List.of("a red", "a red circle"), whole), "the same choice again");
            String one = c.rerank(List.of(image), List.of("a zebra"), new RerankSettings(1, 8, 12, false)).get(0);
            assertTrue(one.equals("a zebra") || texts.contains(one), "one neighbour: the model's caption or that neighbour's: " + one);
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> c.checkRerank(new RerankSettings(0, 2, 12, true)));
            assertTrue(zero.getMessage().contains("--rerank must be a number of nearest training images"), zero.getMessage());
            IllegalArgumentException cold = assertThrows(IllegalArgumentException.class, () -> c.checkRerank(new RerankSettings(3, 0, 12, true)));
            assertTrue(cold.getMessage().contains("--rerank-temperature"), cold.getMessage());
            IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> c.checkRerank(new RerankSettings(3, 8, -1, true)));
            assertTrue(negative.getMessage().contains("--rerank-similarity-power"), negative.getMessage());
        }
    }

    @Test
    void withSpansTheWordsTheNeighboursShareCanBeChosen() throws Exception {
        List<String> texts = RetrievalModels.CLIPBOARDS_AND_BELLS;
        Vocabulary vocab = Vocabulary.build(texts.stream().map(CaptionTokenizer::tokenize).toList(), 1);
        // every training image a candidate, all alike: no similarity power, the model's probabilities flattened
        RerankSettings spans = new RerankSettings(texts.size(), 1e9, 0, true);
        RerankSettings whole = new RerankSettings(texts.size(), 1e9, 0, false);
        try (Captioner c = Captioner.load(retrievalModel(vocab, texts))) {
            byte[] image = c.prepare(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB));
            assertEquals(List.of("clipboard"), c.rerank(List.of(image), List.of("bell7 outline"), spans));
            String chosen = c.rerank(List.of(image), List.of("bell7 outline"), whole).get(0);
            assertTrue(texts.contains(chosen), "whole candidates only: " + chosen);
        }
    }

    @Test
    void aCaptionTaughtToTheMemoryBankIsACandidateWholeWhenTheBankIsRead() throws Exception {
        List<String> texts = RetrievalModels.CLIPBOARDS_AND_BELLS;
        List<String> taught = List.of("a", "gavel", "on", "the", "table");
        List<List<String>> all = new java.util.ArrayList<>(texts.stream().map(CaptionTokenizer::tokenize).toList());
        all.add(taught);
        Vocabulary vocab = Vocabulary.build(all, 1);
        RerankSettings whole = new RerankSettings(texts.size(), 1e9, 12, false); // the nearest images decide
        try (Captioner c = Captioner.load(RetrievalModels.write(dir.resolve("model"), vocab, texts));
                dev.kvcap.bank.MemoryBank bank = bank(c, "taught");
                dev.kvcap.bank.MemoryBank remembered = bank(c, "remembered")) {
            BufferedImage drawn = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            drawn.getGraphics().fillRect(8, 8, 12, 20);
            byte[] image = c.prepare(drawn);
            String without = c.rerank(List.of(image), List.of("bell7 outline"), whole, null).get(0);
            assertTrue(texts.contains(without), "no bank: a training caption, " + without);
            bank.add(new MemoryWriter(c).entries(List.of(new MemoryWriter.Example(image, taught, "teach:x"))));
            assertEquals(List.of("a gavel on the table"), c.rerank(List.of(image), List.of("bell7 outline"), whole, new BankRetrieval(bank, 4, 0.5f)),
                    "the taught image is this image (cosine 1), so its whole caption (not its key words) outweighs every training image's");
            List<Double> shunRareWords = new java.util.ArrayList<>(java.util.Collections.nCopies(ConsensusChoice.FEATURES.size(), 0.0));
            shunRareWords.set(0, 1.0);
            shunRareWords.set(ConsensusChoice.FEATURES.indexOf("mean idf"), -100.0); // no word of the taught caption is in a training caption
            assertEquals(List.of("a gavel on the table"),
                    c.rerank(List.of(image), List.of("bell7 outline"), whole.withFitted(shunRareWords), new BankRetrieval(bank, 4, 0.5f)),
                    "where the bank offers captions the choice is by agreement: fitted weights never saw a taught caption");
            assertEquals(List.of(without), c.rerank(List.of(image), List.of("bell7 outline"), whole),
                    "without the bank given, as before");
            remembered.add(new MemoryWriter(c).entries(List.of(new MemoryWriter.Example(image, taught, MemoryWriter.REMEMBER + "x"))));
            String afterRemembering = c.rerank(List.of(image), List.of("bell7 outline"), whole, new BankRetrieval(remembered, 4, 0.5f)).get(0);
            assertTrue(texts.contains(afterRemembering),
                    "a remembered caption is the model's own, no candidate (its words still vote in the cells): " + afterRemembering);
        }
    }

    private dev.kvcap.bank.MemoryBank bank(Captioner c, String name) {
        return dev.kvcap.bank.MemoryBank.open(dir.resolve(name), new dev.kvcap.bank.BankInfo("test", c.model().cells().descriptor().width()));
    }

    @Test
    void aModelWithoutItsTrainingCaptionsIsRefusedWithTheFix() throws Exception {
        Vocabulary vocab = Vocabulary.build(List.of(List.of("a", "red", "circle")), 1);
        try (Captioner c = Captioner.load(retrievalModel(vocab, List.of()))) {
            IllegalArgumentException old = assertThrows(IllegalArgumentException.class, () -> c.checkRerank(RerankSettings.of(16)));
            assertTrue(old.getMessage().contains("retrain"), old.getMessage());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel net = new KvmCaptionModel(Presets.tiny().model(), vocab.size());
            net.initialize(m);
            new SavedModel(Presets.tiny(), vocab, net).writeInto(dir.resolve("slots"));
        }
        try (Captioner c = Captioner.load(dir.resolve("slots"))) {
            IllegalArgumentException slots = assertThrows(IllegalArgumentException.class, () -> c.checkRerank(RerankSettings.of(16)));
            assertTrue(slots.getMessage().contains("retrieval memory"), slots.getMessage());
        }
    }

    @Test
    void captionTextsAreTheModelsOwnOrChosenAsItsDecodeRerankSays() throws Exception {
        try (Captioner c = threeCaptionModel()) {
            byte[] image = c.prepare(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB));
            List<byte[]> pixels = List.of(image, image);
            List<String> own = c.caption(pixels, c.defaults(), false).stream().map(Captioner.Caption::text).toList();
            assertEquals(own, c.captionTexts(pixels, c.defaults().withRerank(0)));
            assertEquals(c.rerank(pixels, own, RerankSettings.of(3)), c.captionTexts(pixels, c.defaults().withRerank(3)));
        }
    }
}

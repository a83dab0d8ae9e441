package dev.kvcap.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.kvcap.bank.Entry;
import dev.kvcap.config.ConfigJson;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.config.Presets;
import dev.kvcap.model.DecodeState;
import dev.kvcap.model.ImageContext;
import dev.kvcap.model.KvmCaptionModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptionSearchTest {

    private static final int V = 12;
    private static final int PAD = Vocabulary.PAD_ID;
    private static final int START = Vocabulary.START_ID;
    private static final int END = Vocabulary.END_ID;

    private static KvmCaptionModel model(NDManager m) {
        Engine.getInstance().setRandomSeed(11);
        KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), V);
        model.initialize(m);
        return model;
    }

    private static DecodeConfig decode(int beam) {
        return new DecodeConfig(beam, 8, 0, 0f, false);
    }

    /** A search with {@link #decode}'s rules and the tiny vocabulary's special ids. */
    private static CaptionSearch search(KvmCaptionModel model, int beam) {
        return new CaptionSearch(model, decode(beam), false);
    }

    /** An independent greedy decoder: argmax of every step, one image at a time. */
    private static List<Integer> greedy(KvmCaptionModel model, NDArray image) {
        return greedy(model, image, null).words();
    }

    /** Words and their log-probabilities (the end's last) of {@link #greedy}. */
    private record Greedy(List<Integer> words, List<Float> logProbs) {}

    /** {@link #greedy(KvmCaptionModel, NDArray)}, every step run with {@code readShare} (or null). */
    private static Greedy greedy(KvmCaptionModel model, NDArray image, NDArray readShare) {
        ParameterStore ps = new ParameterStore(image.getManager(), false);
        ImageContext ctx = model.encode(ps, image, false);
        DecodeState state = model.start(ps, ctx, false);
        List<Integer> words = new ArrayList<>();
        List<Float> logProbs = new ArrayList<>();
        int prev = START;
        for (int t = 0; t < 8; t++) {
            KvmCaptionModel.StepOutput out = model.step(
                    ps, ctx, image.getManager().create(new long[] {prev}), state, readShare, false);
            float[] lp = out.logits().logSoftmax(-1).toFloatArray();
            lp[PAD] = Float.NEGATIVE_INFINITY;
            lp[START] = Float.NEGATIVE_INFINITY;
            lp[Vocabulary.UNK_ID] = Float.NEGATIVE_INFINITY;
            int best = 0;
            for (int w = 1; w < V; w++) {
                if (lp[w] > lp[best]) {
                    best = w;
                }
            }
            logProbs.add(lp[best]);
            if (best == END) {
                break;
            }
            words.add(best);
            prev = best;
            state = out.state();
        }
        return new Greedy(words, logProbs);
    }

    @Test
    void beamOfOneEqualsGreedy() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = model(m);
            NDArray images = m.randomNormal(new Shape(5, 3, 32, 32));
            List<List<Hypothesis>> beam =
                    search(model, 1).search(images);
            for (int i = 0; i < 5; i++) {
                assertEquals(greedy(model, images.get(i).expandDims(0)), beam.get(i).get(0).wordIds());
            }
        }
    }

    @Test
    void aMemoryThatOnlyReadsOrHasNoControllerOfItsOwnDecodesEveryStepOfEveryBeam() {
        // the first's values are the same from step to step, and the search frees each step's state;
        // the second's state is its values alone (LSTM-1 drives it), with and without the write
        for (String memory : List.of("\"memoryWrite\":false", "\"memoryControllerDim\":0", "\"memoryControllerDim\":0,\"memoryWrite\":false")) {
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(11);
                KvmCaptionModel model =
                        new KvmCaptionModel(ConfigJson.fromJson("{\"preset\":\"tiny\",\"model\":{" + memory + "}}").model(), V);
                model.initialize(m);
                NDArray images = m.randomNormal(new Shape(3, 3, 32, 32));
                for (int beam : new int[] {1, 3}) {
                    for (List<Hypothesis> hyps : new CaptionSearch(model, new DecodeConfig(beam, 8, 5, 0f, false), false).search(images)) {
                        assertTrue(hyps.get(0).wordIds().size() >= 5, memory + ", beam " + beam + ": " + hyps.get(0).wordIds());
                    }
                }
                ImageContext encoded = model.encode(new ParameterStore(m, false), images, false);
                for (int[] drawn : new CaptionSampler(model, new DecodeConfig(1, 8, 5, 0f, false)).sample(encoded, 2, new java.util.Random(3))) {
                    assertTrue(drawn.length >= 5, memory + ", sampled: " + java.util.Arrays.toString(drawn)); // SCST's samples
                }
            }
        }
    }

    @Test
    void aWiderBeamNeverFindsALowerLogProbability() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = model(m);
            NDArray images = m.randomNormal(new Shape(6, 3, 32, 32));
            List<List<Hypothesis>> one = search(model, 1).search(images);
            List<List<Hypothesis>> four = search(model, 4).search(images);
            for (int i = 0; i < 6; i++) {
                assertTrue(four.get(i).get(0).logProb() >= one.get(i).get(0).logProb() - 1e-5);
            }
        }
    }

    @Test
    void everyImageGetsACaptionEvenWithoutAnEndToken() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = model(m);
            NDArray images = m.randomNormal(new Shape(3, 3, 32, 32));
            DecodeConfig forced = new DecodeConfig(3, 4, 4, 0f, false); // <end> forbidden before 4 words
            List<List<Hypothesis>> out = new CaptionSearch(model, forced, true).search(images);
            for (List<Hypothesis> hyps : out) {
                Hypothesis h = hyps.get(0);
                assertEquals(4, h.wordIds().size());
                assertFalse(h.finished());
                assertEquals(4, h.attention().size());
                float sum = 0;
                for (float v : h.attention().get(0)) {
                    sum += v;
                }
                assertEquals(1f, sum, 1e-3f);
            }
        }
    }

    @Test
    void noRepeatedTrigramIsEverProduced() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = model(m);
            NDArray images = m.randomNormal(new Shape(4, 3, 32, 32));
            DecodeConfig rules = new DecodeConfig(2, 8, 8, 0f, true);
            for (List<Hypothesis> hyps : new CaptionSearch(model, rules, false).search(images)) {
                List<Integer> w = hyps.get(0).wordIds();
                java.util.Set<List<Integer>> seen = new java.util.HashSet<>();
                for (int i = 0; i + 2 < w.size(); i++) {
                    assertTrue(seen.add(w.subList(i, i + 3)), "repeated trigram in " + w);
                }
            }
        }
    }

    private static Retrieval always(int word, float lambda) {
        return always(word, lambda, new java.util.HashSet<>());
    }

    /** Answers {@code word} for every key, and collects the contexts it was asked with. */
    private static Retrieval always(int word, float lambda, java.util.Set<Long> contexts) {
        return new Retrieval() {
            @Override
            public List<WordDistribution> lookup(float[][] keys, long[] ctx) {
                assertEquals(keys.length, ctx.length);
                for (long c : ctx) {
                    contexts.add(c);
                }
                List<WordDistribution> out = new ArrayList<>();
                for (float[] k : keys) {
                    assertEquals(Presets.tiny().model().hiddenDim(), k.length);
                    out.add(word < 0 ? WordDistribution.EMPTY : new WordDistribution(new int[] {word}, new float[] {1f}, lambda));
                }
                return out;
            }
        };
    }

    @Test
    void aBankThatRemembersNothingChangesNoCaption() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = model(m);
            NDArray images = m.randomNormal(new Shape(3, 3, 32, 32));
            List<List<Hypothesis>> plain = search(model, 2).search(images);
            List<List<Hypothesis>> empty = search(model, 2)
                    .withRetrieval(always(-1, 0.5f)).search(images);
            for (int i = 0; i < 3; i++) {
                assertEquals(plain.get(i).get(0).wordIds(), empty.get(i).get(0).wordIds());
            }
        }
    }

    @Test
    void aBankWithAllTheWeightDecidesEveryWord() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = model(m);
            NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
            DecodeConfig five = new DecodeConfig(2, 5, 5, 0f, false);
            java.util.Set<Long> contexts = new java.util.HashSet<>();
            for (List<Hypothesis> h : new CaptionSearch(model, five, false)
                    .withRetrieval(always(7, 1f, contexts)).search(images)) {
                assertEquals(List.of(7, 7, 7, 7, 7), h.get(0).wordIds());
                assertEquals(0.0, h.get(0).logProb(), 1e-5);
            }
            // each lookup names the two words its state read: <pad> <start>, <start> 7, then 7 7
            assertEquals(java.util.Set.of(Entry.context(PAD, START), Entry.context(START, 7), Entry.context(7, 7)), contexts);
        }
    }

    @Test
    void stepsTheModelIsSureOfAreNotLookedUp() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = model(m);
            NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
            int[] lookups = {0};
            Retrieval never = new Retrieval() {
                @Override
                public List<WordDistribution> lookup(float[][] keys, long[] contexts) {
                    lookups[0] += keys.length;
                    List<WordDistribution> out = new ArrayList<>();
                    for (float[] k : keys) {
                        out.add(new WordDistribution(new int[] {7}, new float[] {1f}, 1f));
                    }
                    return out;
                }

                @Override
                public float confidentAbove() {
                    return 1e-9f; // every step counts as confident
                }
            };
            List<List<Hypothesis>> plain = search(model, 2).search(images);
            List<List<Hypothesis>> skipped = search(model, 2).withRetrieval(never).search(images);
            assertEquals(0, lookups[0]);
            for (int i = 0; i < 2; i++) {
                assertEquals(plain.get(i).get(0).wordIds(), skipped.get(i).get(0).wordIds());
            }
        }
    }

    /** {@link #always} reading through the memory's slots. */
    private static Retrieval throughSlots(int word, float lambda) {
        Retrieval inner = always(word, lambda);
        return new Retrieval() {
            @Override
            public List<WordDistribution> lookup(float[][] keys, long[] contexts) {
                return inner.lookup(keys, contexts);
            }

            @Override
            public Read read() {
                return Read.SLOTS;
            }
        };
    }

    @Test
    void readingTheBankThroughSlotsIsTheStepRunAgainWithThatShareOfTheRead() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = model(m);
            NDArray image = m.randomNormal(new Shape(1, 3, 32, 32));
            List<Integer> slotWords = List.of(3, 4, 5, 6, 7, 8, 9, 10);
            // the reference: greedy, every step run with half the read on word 7's slot (index 4)
            float[] share = new float[model.memorySlots()];
            share[4] = 0.5f;
            Greedy expected = greedy(model, image, m.create(share, new Shape(1, share.length)));
            List<Hypothesis> got = search(model, 1)
                    .withRetrieval(throughSlots(7, 0.5f))
                    .withSlotWords(slotWords)
                    .search(image)
                    .get(0);
            assertEquals(expected.words(), got.get(0).wordIds());
            for (int i = 0; i < expected.words().size(); i++) {
                assertEquals(expected.logProbs().get(i), got.get(0).wordLogProbs().get(i), 1e-5f);
            }
            float plainFirst = greedy(model, image, null).logProbs().get(0);
            assertFalse(
                    Math.abs(plainFirst - expected.logProbs().get(0)) < 1e-5f,
                    "the share must change the model's probabilities, or the test proves nothing");
        }
    }

    @Test
    void aBankReadThroughSlotsChangesNoCaptionWhenItRemembersNothingOrOnlyWordsWithoutSlots() {
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = model(m);
            NDArray images = m.randomNormal(new Shape(3, 3, 32, 32));
            List<List<Hypothesis>> plain = search(model, 2).search(images);
            for (int word : new int[] {-1, 11}) { // nothing; a word no slot stands for
                List<List<Hypothesis>> read = search(model, 2)
                        .withRetrieval(throughSlots(word, 1f))
                        .withSlotWords(List.of(3, 4, 5, 6, 7, 8, 9, 10))
                        .search(images);
                for (int i = 0; i < 3; i++) {
                    assertEquals(plain.get(i).get(0).wordIds(), read.get(i).get(0).wordIds());
                }
            }
        }
    }
}

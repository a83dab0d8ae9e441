package dev.kvcap.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.data.CaptionTokenizer;
import dev.kvcap.eval.CiderReward;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsensusChoiceTest {

    /** Candidates as words and ids, and CIDEr-D with document frequencies from a small corpus of names. */
    private static final class Names {
        final Map<String, Integer> ids = new HashMap<>();
        final CiderReward cider;

        Names(List<String> corpus) {
            List<int[][]> docs = new ArrayList<>();
            for (String c : corpus) {
                docs.add(new int[][] {ids(c)});
            }
            cider = new CiderReward(docs, 1000);
        }

        int[] ids(String caption) {
            return CaptionTokenizer.tokenize(caption).stream().mapToInt(w -> ids.computeIfAbsent(w, k -> ids.size())).toArray();
        }

        ConsensusChoice.Choice choose(List<String> candidates, boolean spans) {
            double[] equal = new double[candidates.size()];
            java.util.Arrays.fill(equal, 1.0 / candidates.size());
            return ConsensusChoice.choose(
                    candidates.stream().map(CaptionTokenizer::tokenize).toList(), candidates.stream().map(this::ids).toList(), equal, cider, spans);
        }
    }

    /**
     * Twenty variants of one icon: with as many candidates (a rerank has about a hundred) a caption's
     * agreement with itself no longer outweighs what all of them share.
     */
    private static final List<String> CLIPBOARDS = variants("clipboard %s", "check outline", "text", "alert", "play", "pulse", "list");

    private static final List<String> FLAGS = variants("the flag of %s", "norway", "sweden", "kingdom of denmark", "finland", "iceland");

    private static List<String> variants(String pattern, String... names) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(String.format(pattern, i < names.length ? names[i] : "item" + i));
        }
        return out;
    }

    private static final List<String> CORPUS = new ArrayList<>();

    static {
        CORPUS.addAll(CLIPBOARDS);
        CORPUS.addAll(FLAGS);
        CORPUS.addAll(List.of("file outline", "bell outline", "a red circle", "arrow up", "arrow down", "check", "list", "play"));
        for (int i = 0; i < 60; i++) { // other names, so that "clipboard" and "flag" are rarer words
            CORPUS.add("other" + i + " of the set");
        }
    }

    @Test
    void theWordsTheCandidatesShareCanWinOverEveryWholeCandidate() {
        Names names = new Names(CORPUS);
        ConsensusChoice.Choice whole = names.choose(CLIPBOARDS, false);
        assertTrue(whole.candidate() >= 0, "without spans a whole candidate wins");
        ConsensusChoice.Choice span = names.choose(CLIPBOARDS, true);
        assertEquals(-1, span.candidate(), "a span won");
        assertEquals(List.of("clipboard"), span.tokens());
    }

    @Test
    void aSpanNeitherStartsNorEndsWithAFunctionWord() {
        Names names = new Names(CORPUS);
        ConsensusChoice.Choice c = names.choose(FLAGS, true);
        List<String> chosen = c.tokens();
        assertTrue(c.candidate() >= 0, "a whole flag's name wins, no span: " + chosen);
        // "the flag of" would have beaten every whole name: it is not a phrase, so it is no hypothesis
        List<int[]> hypotheses = new ArrayList<>(FLAGS.stream().map(names::ids).toList());
        hypotheses.add(names.ids(String.join(" ", chosen)));
        hypotheses.add(names.ids("the flag of"));
        double[][] agree = names.cider.pairwise(hypotheses, FLAGS.size());
        double chosenGain = java.util.Arrays.stream(agree[FLAGS.size()]).sum();
        double cutGain = java.util.Arrays.stream(agree[FLAGS.size() + 1]).sum();
        assertTrue(cutGain > chosenGain, cutGain + " against " + chosenGain);
    }

    @Test
    void candidatesThatAgreeWholeKeepTheirWholeCaption() {
        Names names = new Names(CORPUS);
        ConsensusChoice.Choice c = names.choose(List.of("a red circle", "a red circle", "arrow up"), true);
        assertEquals(0, c.candidate(), "the first of the agreeing candidates, not a span of it");
        assertEquals(List.of("a", "red", "circle"), c.tokens());
    }

    @Test
    void aFittedChoiceThatWeighsOnlyTheAgreementChoosesAsMinimumBayesRiskDoes() {
        Names names = new Names(CORPUS);
        List<Double> agreementOnly = new ArrayList<>(java.util.Collections.nCopies(ConsensusChoice.FEATURES.size(), 0.0));
        agreementOnly.set(0, 1.0);
        for (List<String> set : List.of(CLIPBOARDS, FLAGS, List.of("a red circle", "a red circle", "arrow up"))) {
            double[] unequal = new double[set.size()];
            for (int i = 0; i < unequal.length; i++) {
                unequal[i] = 1.0 / (1 + i); // not shares: the fitted features take them as shares, agreement as they are
            }
            List<List<String>> tokens = set.stream().map(CaptionTokenizer::tokenize).toList();
            List<int[]> ids = set.stream().map(names::ids).toList();
            WordMap.Shares anyShares = id -> 0.5;
            assertEquals(ConsensusChoice.choose(tokens, ids, unequal, names.cider, true),
                    ConsensusChoice.choose(tokens, ids, unequal, names.cider, true, agreementOnly, anyShares), set.get(0));
            assertEquals(ConsensusChoice.choose(tokens, ids, unequal, names.cider, true),
                    ConsensusChoice.choose(tokens, ids, unequal, names.cider, true, agreementOnly.subList(0, ConsensusChoice.FEATURES_BEFORE_WORDS), null),
                    "weights fitted before the word features: " + set.get(0));
        }
    }

    @Test
    void aHypothesisFeaturesAreItsLengthWholenessCoverageAndTheRarityOfItsWords() {
        Names names = new Names(CORPUS);
        List<String> set = List.of("clipboard check outline", "clipboard text", "bell outline");
        List<List<String>> tokens = set.stream().map(CaptionTokenizer::tokenize).toList();
        ConsensusChoice.Hypotheses h = ConsensusChoice.hypotheses(tokens, set.stream().map(names::ids).toList(), true);
        double[] weights = {2, 1, 1}; // any scale: taken as shares, 0.5, 0.25, 0.25
        double[][] agree = names.cider.pairwise(h.ids(), h.candidates());
        double[][] f = ConsensusChoice.features(h, weights, agree, names.cider, null);
        assertEquals(ConsensusChoice.FEATURES_BEFORE_WORDS, f[0].length, "without the words the image predicts");
        assertEquals(ConsensusChoice.FEATURES_BEFORE_WORDS, dev.kvcap.config.DecodeConfig.RERANK_FEATURES_BEFORE_WORDS, "the config reads earlier fits too");
        assertEquals(ConsensusChoice.FEATURES.size(), dev.kvcap.config.DecodeConfig.RERANK_FEATURES, "the config checks the same count");
        int clipboard = h.tokens().indexOf(List.of("clipboard"));
        int outline = h.tokens().indexOf(List.of("outline"));
        double[] c = f[clipboard];
        assertEquals(0.5 * agree[clipboard][0] + 0.25 * agree[clipboard][1] + 0.25 * agree[clipboard][2], c[0], 1e-12, "gain");
        assertEquals(Math.log(c[0] + 1e-3), c[1], 1e-12, "log gain");
        assertEquals(List.of(1.0, 0.0, 0.0, 0.0), List.of(c[2], c[3], c[4], c[5]), "one word");
        assertEquals(0.0, c[6], "a span, not a whole candidate");
        assertEquals(0.75, c[7], 1e-12, "in the first two candidates, half and a quarter of the weight");
        assertEquals(0.75, f[outline][7], 1e-12, "in the first and the last");
        assertEquals(1.0, f[0][6], "the first hypothesis is the first candidate");
        assertEquals(List.of(0.0, 0.0, 1.0, 0.0), List.of(f[0][2], f[0][3], f[0][4], f[0][5]), "three words");
        double idfClipboard = names.cider.idf(names.ids("clipboard")[0]);
        double idfCheck = names.cider.idf(names.ids("check")[0]);
        double idfOutline = names.cider.idf(names.ids("outline")[0]);
        assertEquals(Math.log(CORPUS.size()) - Math.log(20), idfClipboard, 1e-12, "20 of the corpus's names are clipboards");
        assertEquals((idfClipboard + idfCheck + idfOutline) / 3, f[0][8], 1e-12, "mean idf");
        assertEquals(Math.min(idfClipboard, Math.min(idfCheck, idfOutline)), f[0][9], 1e-12, "least idf");
        assertEquals(Math.max(idfClipboard, Math.max(idfCheck, idfOutline)), f[0][10], 1e-12, "most idf");
    }

    @Test
    void theWordFeaturesAreTheMeanLeastAndMostPredictedShareOfTheContentWords() {
        Names names = new Names(CORPUS);
        List<String> set = List.of("clipboard check outline", "a bell");
        List<List<String>> tokens = set.stream().map(CaptionTokenizer::tokenize).toList();
        ConsensusChoice.Hypotheses h = ConsensusChoice.hypotheses(tokens, set.stream().map(names::ids).toList(), false);
        int clipboard = names.ids("clipboard")[0];
        int check = names.ids("check")[0];
        int a = names.ids("a")[0];
        WordMap.Shares shares = id -> id == a ? Double.NaN : id == clipboard ? 0.9 : id == check ? 0.3 : 0.0;
        double[][] f = ConsensusChoice.features(h, new double[] {1, 1}, names.cider.pairwise(h.ids(), h.candidates()), names.cider, shares);
        assertEquals(ConsensusChoice.FEATURES.size(), f[0].length);
        assertEquals(ConsensusChoice.FEATURES.size(), dev.kvcap.config.DecodeConfig.RERANK_FEATURES, "the config checks the same count");
        int mean = ConsensusChoice.FEATURES.indexOf("mean word share");
        assertEquals((0.9 + 0.3 + 0.0) / 3, f[0][mean], 1e-12, "clipboard, check, outline");
        assertEquals(0.0, f[0][mean + 1], 1e-12, "least: outline");
        assertEquals(0.9, f[0][mean + 2], 1e-12, "most: clipboard");
        assertEquals(List.of(0.0, 0.0, 0.0), List.of(f[1][mean], f[1][mean + 1], f[1][mean + 2]), "a bell: the stop word is left out");
        double[][] without = ConsensusChoice.features(h, new double[] {1, 1}, names.cider.pairwise(h.ids(), h.candidates()), names.cider, null);
        assertEquals(java.util.Arrays.toString(without[0]), java.util.Arrays.toString(java.util.Arrays.copyOf(f[0], without[0].length)),
                "the other features are the same");
    }

    @Test
    void weightsFittedBeforeTheWordFeaturesStillCheckAndOtherCountsAreRefused() {
        RerankSettings.of(32).withFitted(java.util.Collections.nCopies(ConsensusChoice.FEATURES.size(), 1.0)).check();
        RerankSettings.of(32).withFitted(java.util.Collections.nCopies(ConsensusChoice.FEATURES_BEFORE_WORDS, 1.0)).check();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RerankSettings.of(32).withFitted(java.util.Collections.nCopies(12, 1.0)).check());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("14 weights") && e.getMessage().contains("--no-rerank-fit"), e.getMessage());
    }
}

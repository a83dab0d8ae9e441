package dev.kvcap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigJsonTest {

    @Test
    void aValueOfTheWrongKindIsNamedByItsKeyAndANumberInQuotesStillReads() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigJson.fromJson("{\"preset\":\"tiny\",\"model\":{\"hiddenDim\":\"big\"}}"));
        assertEquals("config key 'model.hiddenDim' must be a number, got \"big\"", e.getMessage());
        KvcapConfig quoted = ConfigJson.fromJson("{\"preset\":\"tiny\",\"train\":{\"epochs\":\"5\",\"learningRate\":\"0.5\"},\"model\":{\"batchNorm\":\"true\"}}");
        assertEquals(5, quoted.train().epochs());
        assertEquals(0.5f, quoted.train().learningRate());
        assertEquals(true, quoted.model().batchNorm());
    }

    @Test
    void overridesTakeThePresetsValuesForWhatTheyLeaveOut() {
        KvcapConfig c = ConfigJson.fromJson("{\"preset\":\"small\",\"train\":{\"epochs\":3}}");
        assertEquals(3, c.train().epochs());
        assertEquals(Presets.small().model(), c.model());
        assertTrue(c.model().retrievalMemory(), "small reads retrieved cells");
    }

    @Test
    void aConfigSavedBeforeRetrievalCellsExistedKeepsTheLearnedSlotsItWasTrainedWith() {
        KvcapConfig saved = smallSavedWithout("model.memoryCells", "model.memoryNeighbours");
        assertEquals(0, saved.model().memoryCells());
        assertEquals(Presets.small().model().memorySlots(), saved.model().memorySlots());
        assertEquals("pixels", smallSavedWithout("model.memoryFeatures").model().memoryFeatures(),
                "a retrieval memory saved before the option found its neighbours by pixels");
        assertEquals(0f, smallSavedWithout("model.memoryVotePower").model().memoryVotePower(),
                "a retrieval memory saved before the option gave its neighbours equal votes");
        assertTrue(smallSavedWithout("model.memoryWrite").model().memoryWrite(),
                "a memory saved before the option wrote its values back every step");
        KvcapConfig roundTrip = ConfigJson.savedFromJson(ConfigJson.toJson(Presets.small()));
        assertEquals(Presets.small(), roundTrip, "a config saved now reads back as it is");
    }

    @Test
    void anUnknownImageDescriptorIsAnErrorThatNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigJson.fromJson("{\"preset\":\"small\",\"model\":{\"memoryFeatures\":\"hog\"}}"));
        assertTrue(e.getMessage().contains("model.memoryFeatures") && e.getMessage().contains("gradients+colour"), e.getMessage());
    }

    @Test
    void aNegativeVotePowerIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigJson.fromJson("{\"preset\":\"small\",\"model\":{\"memoryVotePower\":-1}}"));
        assertTrue(e.getMessage().contains("model.memoryVotePower"), e.getMessage());
    }

    @Test
    void anUnknownKeyIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigJson.fromJson("{\"preset\":\"small\",\"model\":{\"memoryCell\":4}}"));
        assertTrue(e.getMessage().contains("memoryCell"), e.getMessage());
    }

    @Test
    void aModelSavedBeforeTrainChoseRerankCaptionsWithItsOwnAndOnlyARetrievalMemoryMayChoose() {
        KvcapConfig saved = smallSavedWithout("decode.rerank", "train.rerankChoice");
        assertEquals(0, saved.decode().rerank());
        assertEquals(32, saved.train().rerankChoice());
        assertEquals(16, ConfigJson.fromJson("{\"preset\":\"small\",\"decode\":{\"rerank\":16}}").decode().rerank());
        IllegalArgumentException slots = assertThrows(IllegalArgumentException.class,
                () -> ConfigJson.fromJson("{\"preset\":\"tiny\",\"decode\":{\"rerank\":16}}"));
        assertTrue(slots.getMessage().contains("retrieval memory"), slots.getMessage());
    }

    @Test
    void aModelSavedBeforeTheFittedChoiceChoosesByAgreementAndSavedWeightsReadBack() {
        assertEquals(List.of(), smallSavedWithout("decode.rerankWeights").decode().rerankWeights());
        List<Double> weights = java.util.Collections.nCopies(DecodeConfig.RERANK_FEATURES, 0.5);
        KvcapConfig fitted = Presets.small().withDecode(Presets.small().decode().withRerank(32).withRerankWeights(weights));
        assertEquals(weights, ConfigJson.savedFromJson(ConfigJson.toJson(fitted)).decode().rerankWeights());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigJson.fromJson("{\"preset\":\"small\",\"decode\":{\"rerankWeights\":[1,2]}}"));
        assertTrue(e.getMessage().contains("decode.rerankWeights") && e.getMessage().contains("14 numbers"), e.getMessage());
        IllegalArgumentException nulls = assertThrows(IllegalArgumentException.class,
                () -> ConfigJson.fromJson("{\"preset\":\"small\",\"decode\":{\"rerankWeights\":[1,null,1,1,1,1,1,1,1,1,1]}}"));
        assertTrue(nulls.getMessage().contains("decode.rerankWeights"), nulls.getMessage());
        List<Double> before = java.util.Collections.nCopies(DecodeConfig.RERANK_FEATURES_BEFORE_WORDS, 0.5);
        KvcapConfig earlier = Presets.small().withDecode(Presets.small().decode().withRerank(32).withRerankWeights(before));
        assertEquals(before, ConfigJson.savedFromJson(ConfigJson.toJson(earlier)).decode().rerankWeights(),
                "weights fitted before the word features still read");
    }

    @Test
    void aModelSavedBeforeTheCaptionTargetLearnedEveryCaptionAndOnlyAllOrCentralAreTargets() {
        assertEquals(TrainConfig.ALL, smallSavedWithout("train.captionTarget").train().captionTarget());
        assertEquals(TrainConfig.CENTRAL,
                ConfigJson.fromJson("{\"preset\":\"tiny\",\"train\":{\"captionTarget\":\"central\"}}").train().captionTarget());
        String unknown = refused("train", "captionTarget", "\"first\"");
        assertEquals("train.captionTarget must be \"all\" or \"central\", got \"first\"", unknown);
        IllegalArgumentException several = assertThrows(IllegalArgumentException.class, () -> ConfigJson.fromJson(
                "{\"preset\":\"tiny\",\"train\":{\"captionTarget\":\"central\",\"captionsPerImage\":2}}"));
        assertTrue(several.getMessage().contains("train.captionsPerImage must be 1"), several.getMessage());
    }

    @Test
    void aNegativeWeightDecayIsAnError() {
        assertEquals("train.weightDecay must not be negative", refused("train", "weightDecay", "-1"));
    }

    @Test
    void aWholeNumberKeyRefusesAFractionOrANumberBeyondItsRangeInsteadOfCuttingIt() {
        assertEquals("config key 'decode.beamSize' must be a whole number, got 2.5", refused("decode", "beamSize", "2.5"));
        assertEquals("config key 'train.batchSize' must be a whole number, got \"2.7\"", refused("train", "batchSize", "\"2.7\""));
        for (String wraps : List.of("3000000000", "4294967299", "1e30")) {
            assertEquals("config key 'decode.beamSize' must be a whole number between -2147483648 and 2147483647, got " + wraps,
                    refused("decode", "beamSize", wraps));
        }
        assertTrue(refused("train", "seed", "1.5").startsWith("config key 'train.seed' must be a whole number"));
        assertTrue(refused("train", "learningRate", "1e400").startsWith("config key 'train.learningRate' must be a number between"));
        KvcapConfig whole = ConfigJson.fromJson("{\"preset\":\"tiny\",\"decode\":{\"beamSize\":3.0},\"train\":{\"batchSize\":\"4\",\"seed\":5000000000}}");
        assertEquals(3, whole.decode().beamSize());
        assertEquals(4, whole.train().batchSize());
        assertEquals(5_000_000_000L, whole.train().seed());
    }

    @Test
    void aListWithAnElementOfTheWrongKindIsNamedByItsKey() {
        assertEquals("config key 'decode.rerankWeights' must be a list of numbers, got [1,\"x\"]", refused("decode", "rerankWeights", "[1,\"x\"]"));
        assertEquals("config key 'model.encoderWidths' must be a list of whole numbers, got [8,16.5]", refused("model", "encoderWidths", "[8,16.5]"));
        assertEquals("config key 'model.encoderWidths' must be a list of whole numbers, got [8,null]", refused("model", "encoderWidths", "[8,null]"));
    }

    @Test
    void nullIsAValueOfTheWrongKind() {
        assertEquals("config key 'decode.beamSize' must be a number, got null", refused("decode", "beamSize", "null"));
        assertEquals("config key 'model.memoryFeatures' must be a string, got null", refused("model", "memoryFeatures", "null"));
        assertEquals("config key 'model.fcDims' must be a list, got null", refused("model", "fcDims", "null"));
        IllegalArgumentException preset = assertThrows(IllegalArgumentException.class, () -> ConfigJson.fromJson("{\"preset\":null}"));
        assertTrue(preset.getMessage().startsWith("config key 'preset' must be a preset's name"), preset.getMessage());
    }

    @Test
    void malformedJsonSaysWhereWithoutGsonsAdviceOrLink() {
        for (String json : List.of("{\"preset\":\"tiny\" \"x\"}", "{\"preset\":\"tiny\"}x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigJson.savedFromJson(json));
            assertTrue(e.getMessage().startsWith("malformed JSON (") && e.getMessage().contains("line 1 column")
                    && !e.getMessage().contains("http") && !e.getMessage().contains("JsonReader"), e.getMessage());
        }
    }

    /** The message for a tiny config whose {@code section.key} is {@code value} (JSON). */
    private static String refused(String section, String key, String value) {
        return assertThrows(IllegalArgumentException.class,
                () -> ConfigJson.fromJson("{\"preset\":\"tiny\",\"" + section + "\":{\"" + key + "\":" + value + "}}")).getMessage();
    }

    /** The {@code small} preset as saved now, read back with {@code keys} ("section.key") removed: a config saved before they existed. */
    private static KvcapConfig smallSavedWithout(String... keys) {
        JsonObject json = JsonParser.parseString(ConfigJson.toJson(Presets.small())).getAsJsonObject();
        for (String key : keys) {
            String[] path = key.split("\\.");
            json.getAsJsonObject(path[0]).remove(path[1]);
        }
        return ConfigJson.savedFromJson(json.toString());
    }
}

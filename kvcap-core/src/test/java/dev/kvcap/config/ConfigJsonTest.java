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
        assertTrue(e.getMessage().contains("decode.rerankWeights") && e.getMessage().contains("11 numbers"), e.getMessage());
        IllegalArgumentException nulls = assertThrows(IllegalArgumentException.class,
                () -> ConfigJson.fromJson("{\"preset\":\"small\",\"decode\":{\"rerankWeights\":[1,null,1,1,1,1,1,1,1,1,1]}}"));
        assertTrue(nulls.getMessage().contains("decode.rerankWeights"), nulls.getMessage());
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

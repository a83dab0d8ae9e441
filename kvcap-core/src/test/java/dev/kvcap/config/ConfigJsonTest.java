package dev.kvcap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class ConfigJsonTest {

    @Test
    void overridesTakeThePresetsValuesForWhatTheyLeaveOut() {
        KvcapConfig c = ConfigJson.fromJson("{\"preset\":\"small\",\"train\":{\"epochs\":3}}");
        assertEquals(3, c.train().epochs());
        assertEquals(Presets.small().model(), c.model());
        assertTrue(c.model().retrievalMemory(), "small reads retrieved cells");
    }

    @Test
    void aConfigSavedBeforeRetrievalCellsExistedKeepsTheLearnedSlotsItWasTrainedWith() {
        JsonObject old = JsonParser.parseString(ConfigJson.toJson(Presets.small())).getAsJsonObject();
        old.getAsJsonObject("model").remove("memoryCells");
        old.getAsJsonObject("model").remove("memoryNeighbours");
        KvcapConfig saved = ConfigJson.savedFromJson(old.toString());
        assertEquals(0, saved.model().memoryCells());
        assertEquals(Presets.small().model().memorySlots(), saved.model().memorySlots());
        JsonObject pixels = JsonParser.parseString(ConfigJson.toJson(Presets.small())).getAsJsonObject();
        pixels.getAsJsonObject("model").remove("memoryFeatures");
        assertEquals("pixels", ConfigJson.savedFromJson(pixels.toString()).model().memoryFeatures(),
                "a retrieval memory saved before the option found its neighbours by pixels");
        JsonObject equal = JsonParser.parseString(ConfigJson.toJson(Presets.small())).getAsJsonObject();
        equal.getAsJsonObject("model").remove("memoryVotePower");
        assertEquals(0f, ConfigJson.savedFromJson(equal.toString()).model().memoryVotePower(),
                "a retrieval memory saved before the option gave its neighbours equal votes");
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
        JsonObject old = JsonParser.parseString(ConfigJson.toJson(Presets.small())).getAsJsonObject();
        old.getAsJsonObject("decode").remove("rerank");
        old.getAsJsonObject("train").remove("rerankChoice");
        KvcapConfig saved = ConfigJson.savedFromJson(old.toString());
        assertEquals(0, saved.decode().rerank());
        assertEquals(32, saved.train().rerankChoice());
        assertEquals(16, ConfigJson.fromJson("{\"preset\":\"small\",\"decode\":{\"rerank\":16}}").decode().rerank());
        IllegalArgumentException slots = assertThrows(IllegalArgumentException.class,
                () -> ConfigJson.fromJson("{\"preset\":\"tiny\",\"decode\":{\"rerank\":16}}"));
        assertTrue(slots.getMessage().contains("retrieval memory"), slots.getMessage());
    }
}

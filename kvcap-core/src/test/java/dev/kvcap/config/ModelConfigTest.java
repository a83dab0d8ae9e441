package dev.kvcap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModelConfigTest {

    @Test
    void everyPresetIsAPossibleModel() {
        for (String name : Presets.NAMES) {
            Presets.named(name).validate();
        }
    }

    @Test
    void aSizeThatIsNotPositiveIsNamedByItsKeyBeforeTheModelIsBuilt() {
        assertEquals("model.encoderWidths must be positive numbers, got [8, -16]", refused("{\"encoderWidths\":[8,-16]}"));
        assertEquals("model.encoderWidths must be positive numbers, got [8, 0]", refused("{\"encoderWidths\":[8,0]}"));
        assertEquals("model.convsPerStage must be positive numbers, got [1, 0]", refused("{\"convsPerStage\":[1,0]}"));
        assertEquals("model.fcDims must be positive numbers, got [-3]", refused("{\"fcDims\":[-3]}"));
        assertEquals("model.embedDim must be positive, got 0", refused("{\"embedDim\":0}"));
        assertEquals("model.hiddenDim must be positive, got -1", refused("{\"hiddenDim\":-1}"));
        assertEquals("model.attnDim must be positive, got 0", refused("{\"attnDim\":0}"));
        assertEquals("model.memorySlots must be positive, got 0", refused("{\"memorySlots\":0}"));
        assertEquals("model.memoryValueDim must be positive, got 0", refused("{\"memoryValueDim\":0}"));
        assertEquals("model.memoryControllerDim must not be negative (0: the decoder's LSTM-1 drives the memory), got -1",
                refused("{\"memoryControllerDim\":-1}"));
        assertEquals("model.deconvChannels must be positive, got -2", refused("{\"deconvChannels\":-2}"));
    }

    @Test
    void theSizesOfAPartThatIsSwitchedOffAreNotChecked() {
        ModelConfig plain = tiny("{\"useMemory\":false,\"memorySlots\":0,\"memoryValueDim\":0,\"memoryControllerDim\":0,"
                + "\"useDeconvMaps\":false,\"deconvChannels\":0,\"fcDims\":[]}");
        assertEquals(0, plain.memoryValueDim());
        assertEquals(0, plain.deconvChannels());
    }

    private static ModelConfig tiny(String model) {
        return ConfigJson.fromJson("{\"preset\":\"tiny\",\"model\":" + model + "}").model();
    }

    private static String refused(String model) {
        return assertThrows(IllegalArgumentException.class, () -> tiny(model)).getMessage();
    }
}

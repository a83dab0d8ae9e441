package dev.kvcap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.kvcap.config.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderWeightsTest {

    @TempDir Path dir;

    private static KvmCaptionModel model(NDManager m) {
        KvmCaptionModel model = new KvmCaptionModel(Presets.tiny().model(), 10);
        model.initialize(m);
        return model;
    }

    @Test
    void encoderParametersAreNamedLikeVgg() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(EncoderWeights.byName(model(m).encoder()).keySet().containsAll(
                    java.util.List.of("conv1_1.weight", "conv1_1.bias", "bn1_1.gamma", "conv2_1.weight", "fc1.weight", "fc1.bias")));
        }
    }

    @Test
    void safetensorsAndNpzFilesLoadIntoTheEncoder() throws Exception {
        for (NDList.Encoding encoding : new NDList.Encoding[] {NDList.Encoding.SAFETENSORS, NDList.Encoding.NPZ}) {
            try (NDManager m = NDManager.newBaseManager()) {
                KvmCaptionModel model = model(m);
                NDArray w = m.arange(8 * 3 * 3 * 3).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).reshape(new Shape(8, 3, 3, 3));
                w.setName("conv1_1.weight");
                NDArray b = m.ones(new Shape(8));
                b.setName("conv1_1.bias");
                Path file = dir.resolve("enc." + encoding.name().toLowerCase());
                Files.write(file, new NDList(w, b).encode(encoding));
                assertEquals(2, EncoderWeights.load(model.encoder(), file, m));
                assertArrayEquals(w.toFloatArray(), EncoderWeights.byName(model.encoder()).get("conv1_1.weight").getArray().toFloatArray());
            }
        }
    }

    @Test
    void aWrongShapeOrUnknownNameIsAClearError() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            KvmCaptionModel model = model(m);
            NDArray w = m.ones(new Shape(4, 3, 3, 3));
            w.setName("conv1_1.weight");
            Path file = dir.resolve("bad.safetensors");
            Files.write(file, new NDList(w).encode(NDList.Encoding.SAFETENSORS));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderWeights.load(model.encoder(), file, m));
            assertTrue(e.getMessage().contains("shape"), e.getMessage());
            NDArray x = m.ones(new Shape(2));
            x.setName("features.0.weight");
            Files.write(file, new NDList(x).encode(NDList.Encoding.SAFETENSORS));
            e = assertThrows(IllegalArgumentException.class, () -> EncoderWeights.load(model.encoder(), file, m));
            assertTrue(e.getMessage().contains("features.0.weight"), e.getMessage());
        }
    }
}

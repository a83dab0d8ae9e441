package dev.kvcap.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The small TorchScript helpers kvcap ships in its jar, for what DJL 0.36 cannot do itself: the
 * layout and bf16 casts ({@link TensorCasts}, {@code bench/pytorch/tensor_casts.py}) and the fused
 * optimiser update ({@code dev.kvcap.train.AdamW}, {@code bench/pytorch/adamw_step.py}). Nothing is
 * downloaded; they run wherever libtorch does.
 */
public final class ScriptedModules {

    private ScriptedModules() {}

    /**
     * Loads {@code name}.pt from {@code owner}'s package in the jar. The caller closes the model
     * (or attaches it to a manager that will).
     */
    public static Model load(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name + ".pt")) {
            if (in == null) {
                throw new IllegalStateException("kvcap jar is missing " + name + ".pt: rebuild with ./mvnw package");
            }
            Model model = Model.newInstance(name, "PyTorch");
            try {
                model.load(in, Map.of());
            } catch (MalformedModelException | RuntimeException e) {
                model.close();
                throw new IllegalStateException("cannot load the " + name + " module: " + e.getMessage(), e);
            }
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

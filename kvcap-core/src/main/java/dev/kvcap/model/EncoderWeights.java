package dev.kvcap.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Imports encoder weights from a file of named tensors: NumPy {@code .npz} or {@code
 * .safetensors} (DJL reads both).
 *
 * <p>Names follow VGG's layer names, 1-based: {@code conv{stage}_{i}.weight} [out, in, 3, 3] and
 * {@code conv{stage}_{i}.bias} [out]; with batch norm {@code bn{stage}_{i}.gamma}, {@code .beta},
 * {@code .runningMean}, {@code .runningVar}; {@code fc{j}.weight} [out, in] and {@code fc{j}.bias}.
 * The layouts are PyTorch's, so torchvision's VGG-16 converts by renaming: {@code features.0} →
 * {@code conv1_1}, {@code features.2} → {@code conv1_2}, {@code features.5} → {@code conv2_1}, …,
 * {@code classifier.0} → {@code fc1}, {@code classifier.3} → {@code fc2}. Every tensor in the file
 * must match an encoder parameter by name and shape; encoder parameters the file lacks keep their
 * initial values. A kvcap model directory in place of the file gives its encoder, whole.
 */
public final class EncoderWeights {

    private EncoderWeights() {}

    /** The encoder's parameters under their file names ({@code conv1_1.weight}, …). */
    public static Map<String, Parameter> byName(ImageEncoder encoder) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Pair<String, Block> child : encoder.getChildren()) {
            String layer = child.getKey().replaceFirst("^\\d+", "");
            for (Pair<String, Parameter> p : child.getValue().getDirectParameters()) {
                out.put(layer + "." + p.getKey(), p.getValue());
            }
        }
        return out;
    }

    /**
     * Copies the tensors of {@code file} into the encoder.
     *
     * @return how many tensors were loaded
     * @throws IllegalArgumentException with a one-line reason on an unknown name or a wrong shape
     */
    public static int load(ImageEncoder encoder, Path file, NDManager manager) {
        if (Files.isDirectory(file)) {
            return copyFrom(encoder, file, manager);
        }
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("--encoder-weights: " + file + " does not exist");
        }
        Map<String, Parameter> params = byName(encoder);
        NDList tensors;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            tensors = NDList.decode(manager, in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot read encoder weights " + file + " (expected .npz or .safetensors): " + e.getMessage());
        }
        try {
            Map<String, NDArray> named = new HashMap<>();
            for (NDArray t : tensors) {
                named.put(t.getName() == null ? "" : t.getName().replaceFirst("\\.npy$", ""), t);
            }
            for (Map.Entry<String, NDArray> t : named.entrySet()) {
                Parameter p = params.get(t.getKey());
                if (p == null) {
                    throw new IllegalArgumentException(
                            file + ": tensor '" + t.getKey() + "' is not an encoder parameter (known: "
                                    + String.join(", ", new TreeSet<>(params.keySet())) + ")");
                }
                if (!p.getArray().getShape().equals(t.getValue().getShape())) {
                    throw new IllegalArgumentException(
                            file + ": tensor '" + t.getKey() + "' has shape " + t.getValue().getShape()
                                    + ", the encoder needs " + p.getArray().getShape());
                }
                Ops.assign(p.getArray(), t.getValue().toType(p.getArray().getDataType(), false));
            }
            return named.size();
        } finally {
            tensors.close();
        }
    }

    /**
     * Copies the encoder of a trained kvcap model directory (the same encoder shape): how decoder
     * variants are compared on one frozen encoder ({@code --encoder-weights MODEL_DIR
     * --freeze-encoder}).
     */
    private static int copyFrom(ImageEncoder encoder, Path modelDir, NDManager manager) {
        try (NDManager scratch = manager.newSubManager()) {
            SavedModel other = SavedModel.load(modelDir, scratch);
            Map<String, Parameter> from = byName(other.model().encoder());
            Map<String, Parameter> to = byName(encoder);
            if (!from.keySet().equals(to.keySet())) {
                throw new IllegalArgumentException(
                        modelDir + ": its encoder has other layers than this config's (" + from.keySet().size() + " tensors, need "
                                + to.keySet().size() + "); give a model with the same encoder");
            }
            for (Map.Entry<String, Parameter> e : to.entrySet()) {
                NDArray source = from.get(e.getKey()).getArray();
                if (!source.getShape().equals(e.getValue().getArray().getShape())) {
                    throw new IllegalArgumentException(
                            modelDir + ": encoder tensor '" + e.getKey() + "' has shape " + source.getShape()
                                    + ", this config needs " + e.getValue().getArray().getShape());
                }
                Ops.assign(e.getValue().getArray(), source);
            }
            return to.size();
        }
    }
}

package dev.kvcap.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.kvcap.data.ImageLoader;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a trained model's global image vectors for every image of a folder (sorted by name), for
 * {@code bench/realdata/neighbours.py encoder}: OUT (big-endian float32, one row per image) and
 * OUT.names (the file names, one per line). Usage: GlobalDump MODEL_DIR IMAGE_DIR OUT
 */
public final class GlobalDump {
    public static void main(String[] a) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(a[1]))) {
            files = s.sorted().toList();
        }
        try (Captioner c = Captioner.load(Path.of(a[0]));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(Path.of(a[2]))));
                PrintWriter names = new PrintWriter(Files.newBufferedWriter(Path.of(a[2] + ".names")))) {
            JniUtils.setGradMode(false); // after the engine is loaded
            int size = c.model().config().model().imageSize();
            for (int from = 0; from < files.size(); from += 64) {
                List<Path> part = files.subList(from, Math.min(files.size(), from + 64));
                float[] batch = new float[part.size() * 3 * size * size];
                for (int i = 0; i < part.size(); i++) {
                    float[] image = ImageLoader.normalize(c.prepare(part.get(i)));
                    System.arraycopy(image, 0, batch, i * image.length, image.length);
                    names.println(part.get(i).getFileName());
                }
                try (NDManager m = c.manager().newSubManager()) {
                    NDArray images = m.create(batch, new Shape(part.size(), 3, size, size));
                    for (float f : c.model().model().features(new ParameterStore(m, false), images, false).get(1).toFloatArray()) {
                        out.writeFloat(f);
                    }
                }
            }
        }
    }
}

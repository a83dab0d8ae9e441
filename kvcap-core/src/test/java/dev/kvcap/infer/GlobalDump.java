package dev.kvcap.infer;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a trained model's global image vectors ({@link Captioner#globalFeatures}, what {@code
 * kvcap baseline --features encoder} compares) for every image of a folder (sorted by name), for
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
            for (int from = 0; from < files.size(); from += 64) {
                List<Path> part = files.subList(from, Math.min(files.size(), from + 64));
                for (float[] row : c.globalFeatures(part.stream().map(c::prepare).toList())) {
                    for (float f : row) {
                        out.writeFloat(f);
                    }
                }
                part.forEach(p -> names.println(p.getFileName()));
            }
        }
    }
}

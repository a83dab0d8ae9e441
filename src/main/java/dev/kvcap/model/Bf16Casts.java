package dev.kvcap.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Converts tensors between float32 and bfloat16 for bf16 inference (docs/BF16.md).
 *
 * <p>DJL 0.36's PyTorch JNI has no bfloat16 type: {@code NDArray.toType(BFLOAT16)} aborts the JVM.
 * The conversion therefore runs in a four-line TorchScript module shipped in the jar
 * ({@code bf16-cast.pt}, written by {@code bench/pytorch/bf16_cast.py}): float32 → bfloat16, with
 * 4-D tensors (images, convolution weights) made channels-last, the layout oneDNN's AMX
 * convolutions use without reordering; anything else → float32. The bfloat16 arrays it returns
 * report {@code DataType.UNKNOWN} to DJL; they only flow through native ops.
 */
public final class Bf16Casts implements AutoCloseable {

    private static final String NAME = "bf16-cast";

    private final Model module;
    private final ParameterStore ps;

    private Bf16Casts(Model module) {
        this.module = module;
        this.ps = new ParameterStore(module.getNDManager(), false);
    }

    /** Loads the scripted module from the jar (no download; runs wherever libtorch does). */
    public static Bf16Casts load() {
        Path dir = null;
        try (InputStream in = Bf16Casts.class.getResourceAsStream(NAME + ".pt")) {
            if (in == null) {
                throw new IllegalStateException("kvcap jar is missing " + NAME + ".pt: rebuild with ./mvnw package");
            }
            dir = Files.createTempDirectory("kvcap-bf16");
            Files.copy(in, dir.resolve(NAME + ".pt"), StandardCopyOption.REPLACE_EXISTING);
            Model model = Model.newInstance(NAME, "PyTorch");
            try {
                model.load(dir, NAME);
            } catch (MalformedModelException | RuntimeException e) {
                model.close();
                throw new IllegalStateException("cannot load the bf16 conversion module: " + e.getMessage(), e);
            }
            return new Bf16Casts(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                deleteQuietly(dir);
            }
        }
    }

    /** float32 → bfloat16 (channels-last when 4-D); a new array in {@code x}'s manager's scope. */
    public NDArray toBf16(NDArray x) {
        return convert(x);
    }

    /** bfloat16 → float32. */
    public NDArray toFloat32(NDArray x) {
        return convert(x);
    }

    private NDArray convert(NDArray x) {
        NDArray y = module.getBlock().forward(ps, new NDList(x), false).head();
        y.attach(x.getManager()); // owned like its input, not by the module
        return y;
    }

    @Override
    public void close() {
        module.close();
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}

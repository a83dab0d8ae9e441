package dev.kvcap.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.kvcap.model.KvmCaptionModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import static java.nio.charset.StandardCharsets.UTF_8;
import java.util.function.IntConsumer;

/**
 * The frozen encoder's output for every image of a training or validation set, computed once and
 * kept in one file on disk ({@code train --freeze-encoder}): per image its regions [L, C] and its
 * global vector [Dg], float32, little-endian, image after image. Decoder-only training and
 * self-critical training then read these instead of running the encoder.
 *
 * <p>The file's name carries a key made of the encoder's parameters, the image size and the images'
 * files, so a cache is reused (a resumed run, a second phase) exactly when it would be computed
 * the same; any other encoder or image list computes a new one. Written to a temporary file and
 * renamed into place, so an interrupted computation leaves no half cache. Images are encoded
 * without augmentation and with the encoder in inference mode (batch normalisation uses its
 * running statistics).
 */
final class FeatureCache implements AutoCloseable {

    private static final int BATCH = 64;

    private final FileChannel file;
    private final int regions; // L
    private final int channels; // C
    private final int global; // Dg
    private final int size; // images

    private FeatureCache(FileChannel file, int regions, int channels, int global, int size) {
        this.file = file;
        this.regions = regions;
        this.channels = channels;
        this.global = global;
        this.size = size;
    }

    /**
     * Opens the cache of {@code data}'s images under {@code dir}, computing it first when it is not
     * there.
     *
     * @param progress told the number of images encoded so far, while computing
     */
    static FeatureCache open(
            KvmCaptionModel model, TrainingBatches data, Path dir, String name, NDManager manager, IntConsumer progress)
            throws IOException {
        int l = model.config().regions();
        int c = model.config().regionDim();
        int g = model.config().globalDim();
        Path path = dir.resolve(name + "-" + key(model, data) + ".f32");
        if (!Files.exists(path)) {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(path.getFileName() + ".tmp");
            compute(model, data, tmp, manager, progress);
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        long expected = (long) data.size() * (l * c + g) * Float.BYTES;
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        if (ch.size() != expected) {
            ch.close();
            throw new IOException(path + " holds " + ch.size() + " bytes, not the " + expected + " expected; delete it to recompute");
        }
        return new FeatureCache(ch, l, c, g, data.size());
    }

    private static void compute(
            KvmCaptionModel model, TrainingBatches data, Path tmp, NDManager manager, IntConsumer progress)
            throws IOException {
        int n = data.size();
        int[] all = java.util.stream.IntStream.range(0, n).toArray();
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (int from = 0; from < n; from += BATCH) {
                int to = Math.min(n, from + BATCH);
                float[] regions;
                float[] global;
                boolean grad = JniUtils.isGradMode();
                JniUtils.setGradMode(false);
                try (NDManager m = manager.newSubManager();
                        NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray images = data.images(m, all, from, to, null, null);
                    NDList f = model.features(new ParameterStore(m, false), images, false);
                    regions = f.get(0).toFloatArray(); // [B, L, C]
                    global = f.get(1).toFloatArray(); // [B, Dg]
                } finally {
                    JniUtils.setGradMode(grad);
                }
                int b = to - from;
                int r = regions.length / b;
                int g = global.length / b;
                ByteBuffer buf = ByteBuffer.allocate((regions.length + global.length) * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < b; i++) {
                    buf.asFloatBuffer().put(regions, i * r, r);
                    buf.position(buf.position() + r * Float.BYTES);
                    buf.asFloatBuffer().put(global, i * g, g);
                    buf.position(buf.position() + g * Float.BYTES);
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                progress.accept(to);
            }
            out.force(true);
        }
    }

    /** Number of images. */
    int size() {
        return size;
    }

    /** Regions [B, L, C] and global vectors [B, Dg] of images {@code idx[from..to)}. */
    NDList batch(NDManager manager, int[] idx, int from, int to) {
        int b = to - from;
        int per = regions * channels + global;
        float[] r = new float[b * regions * channels];
        float[] g = new float[b * global];
        ByteBuffer buf = ByteBuffer.allocate(per * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b; i++) {
            buf.clear();
            long at = (long) idx[from + i] * per * Float.BYTES;
            try {
                while (buf.hasRemaining()) {
                    if (file.read(buf, at + buf.position()) < 0) {
                        throw new IOException("feature cache ends early");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the feature cache: " + e.getMessage(), e);
            }
            buf.flip();
            buf.asFloatBuffer().get(r, i * regions * channels, regions * channels);
            buf.position(regions * channels * Float.BYTES);
            buf.asFloatBuffer().get(g, i * global, global);
        }
        return new NDList(
                manager.create(r, new Shape(b, regions, channels)), manager.create(g, new Shape(b, global)));
    }

    /** A short digest of the encoder's parameters, the image size and the image files. */
    private static String key(KvmCaptionModel model, TrainingBatches data) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Pair<String, Parameter> p : model.encoder().getParameters()) {
                sha.update(p.getKey().getBytes(UTF_8));
                float[] v = p.getValue().getArray().toFloatArray();
                ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES);
                b.asFloatBuffer().put(v);
                sha.update(b);
            }
            sha.update(Integer.toString(model.config().imageSize()).getBytes(UTF_8));
            for (var image : data.images()) {
                sha.update(image.file().toAbsolutePath().toString().getBytes(UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}

package dev.kvcap.serve;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.kvcap.config.Presets;
import dev.kvcap.data.TestImages;
import dev.kvcap.data.Vocabulary;
import dev.kvcap.infer.Captioner;
import dev.kvcap.model.KvmCaptionModel;
import dev.kvcap.model.SavedModel;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import javax.imageio.ImageIO;

/** A tiny untrained model, test images and an HTTP client for the service tests. */
final class ServeFixture {

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private ServeFixture() {}

    /** Writes a tiny-preset model with random weights into {@code dir} and loads it. */
    static Captioner tinyCaptioner(Path dir) throws IOException {
        Engine.getInstance().setRandomSeed(1);
        Vocabulary vocab = Vocabulary.build(List.of(List.of("a", "red", "circle", "blue", "square")), 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            KvmCaptionModel m = new KvmCaptionModel(Presets.tiny().model(), vocab.size());
            m.initialize(manager);
            new SavedModel(Presets.tiny(), vocab, m).writeInto(dir);
        }
        return Captioner.load(dir);
    }

    /** A red circle on blue, {@code w}×{@code h}, encoded as {@code format}. */
    static byte[] image(int w, int h, String format) {
        return dev.kvcap.data.TestImages.circle(w, h, format);
    }

    /** A valid 1×1 PNG whose header claims {@code w}×{@code h}: a decompression bomb's header. */
    static byte[] pngClaiming(int w, int h) {
        return TestImages.claimingSize(image(1, 1, "png"), w, h);
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest post(String url, byte[] body, String contentType) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A multipart/form-data body with one file part; returns {body, content type}. */
    static Object[] multipart(String field, String filename, byte[] content) {
        String boundary = "kvcapBoundary" + System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Object[] {out.toByteArray(), "multipart/form-data; boundary=" + boundary};
    }

    /** A model call that can be held shut, to fill the queue or outlast the timeout. */
    static final class Gate implements CaptionBatcher.Forward {
        private final CaptionBatcher.Forward next;
        private final Semaphore open = new Semaphore(Integer.MAX_VALUE);
        private volatile int waiting;
        final java.util.List<Integer> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();

        Gate(CaptionBatcher.Forward next) {
            this.next = next;
        }

        void shut() throws InterruptedException {
            open.acquire(Integer.MAX_VALUE);
        }

        void open() {
            open.release(Integer.MAX_VALUE);
        }

        /** Waits until a forward pass is held at the gate. */
        void awaitHeld() throws InterruptedException {
            long end = System.nanoTime() + 10_000_000_000L;
            while (waiting == 0 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            if (waiting == 0) {
                throw new AssertionError("no forward pass reached the gate");
            }
        }

        @Override
        public List<Captioner.Caption> caption(List<byte[]> pixels, dev.kvcap.config.DecodeConfig d, boolean a) {
            waiting++;
            try {
                open.acquire();
                open.release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                waiting--;
            }
            batchSizes.add(pixels.size());
            return next.caption(pixels, d, a);
        }
    }
}

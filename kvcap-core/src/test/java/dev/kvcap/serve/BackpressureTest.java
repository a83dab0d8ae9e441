package dev.kvcap.serve;

import static dev.kvcap.serve.ServeFixture.get;
import static dev.kvcap.serve.ServeFixture.image;
import static dev.kvcap.serve.ServeFixture.post;
import static dev.kvcap.serve.ServeFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.infer.Captioner;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queueing, micro-batching, timeouts, readiness and graceful shutdown, with the model call held
 * at a {@link ServeFixture.Gate} so that every case is deterministic.
 */
class BackpressureTest {

    static Captioner captioner;

    @TempDir static Path modelDir;

    @BeforeAll
    static void load() throws Exception {
        captioner = ServeFixture.tinyCaptioner(modelDir);
    }

    @AfterAll
    static void unload() {
        captioner.close();
    }

    private static CaptionServer server(ServeConfig config, ServeFixture.Gate gate) {
        return new CaptionServer(captioner, config.withPort(0), captioner.defaults(), gate).start();
    }

    private static CompletableFuture<HttpResponse<String>> captionAsync(String url) {
        return ServeFixture.HTTP.sendAsync(
                post(url + "v1/captions", image(48, 48, "png"), "image/png"),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFullQueueAnswers503WithRetryAfterAndQueuedRequestsStillSucceed() throws Exception {
        ServeFixture.Gate gate = new ServeFixture.Gate(captioner::caption);
        try (CaptionServer s = server(ServeConfig.defaults().withBatching(1, 0).withLimits(1, 1 << 20, 30_000), gate)) {
            assertTrue(s.awaitReady(60_000));
            gate.shut();
            var held = captionAsync(s.url()); // taken by the worker, held at the gate
            gate.awaitHeld();
            var queued = captionAsync(s.url()); // fills the queue of 1
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (s.queued() < 1 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            HttpResponse<String> refused = send(post(s.url() + "v1/captions", image(48, 48, "png"), "image/png"));
            String msg = CaptionServerTest.assertError(refused, 503);
            assertTrue(msg.contains("queue"), msg);
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
            assertTrue(get(s.url() + "metrics").body().contains("kvcap_requests_rejected_total{reason=\"queue_full\"}"));
            gate.open();
            assertEquals(200, held.get(30, TimeUnit.SECONDS).statusCode());
            assertEquals(200, queued.get(30, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void aRequestNotCaptionedInTimeGets503() throws Exception {
        ServeFixture.Gate gate = new ServeFixture.Gate(captioner::caption);
        try (CaptionServer s = server(ServeConfig.defaults().withLimits(8, 1 << 20, 300), gate)) {
            assertTrue(s.awaitReady(60_000));
            gate.shut();
            long t0 = System.nanoTime();
            HttpResponse<String> r = send(post(s.url() + "v1/captions", image(48, 48, "png"), "image/png"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(CaptionServerTest.assertError(r, 503).contains("timed out"));
            assertTrue(ms >= 300 && ms < 10_000, ms + " ms");
            gate.open();
        }
    }

    @Test
    void concurrentRequestsAreCaptionedInOneForwardPass() throws Exception {
        ServeFixture.Gate gate = new ServeFixture.Gate(captioner::caption);
        try (CaptionServer s = server(ServeConfig.defaults().withBatching(8, 100), gate)) {
            assertTrue(s.awaitReady(60_000));
            gate.shut();
            gate.batchSizes.clear();
            var first = captionAsync(s.url());
            gate.awaitHeld(); // the worker is busy: the next ones wait in the queue together
            List<CompletableFuture<HttpResponse<String>>> rest = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                rest.add(captionAsync(s.url()));
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (s.queued() < 4 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            gate.open();
            assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode());
            for (var r : rest) {
                HttpResponse<String> done = r.get(30, TimeUnit.SECONDS);
                assertEquals(200, done.statusCode());
                assertEquals(4, CaptionServerTest.json(done).getAsJsonObject("timing").get("batch_size").getAsInt());
            }
            assertEquals(List.of(1, 4), gate.batchSizes);
        }
    }

    @Test
    void withMaxBatchOneEveryRequestHasItsOwnForwardPass() throws Exception {
        ServeFixture.Gate gate = new ServeFixture.Gate(captioner::caption);
        try (CaptionServer s = server(ServeConfig.defaults().withBatching(1, 100), gate)) {
            assertTrue(s.awaitReady(60_000));
            gate.shut();
            gate.batchSizes.clear();
            var first = captionAsync(s.url());
            gate.awaitHeld();
            var second = captionAsync(s.url());
            var third = captionAsync(s.url());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (s.queued() < 2 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            gate.open();
            for (var r : List.of(first, second, third)) {
                assertEquals(200, r.get(30, TimeUnit.SECONDS).statusCode());
            }
            assertEquals(List.of(1, 1, 1), gate.batchSizes);
        }
    }

    @Test
    void readyzIs503UntilTheWarmUpPassHasRun() throws Exception {
        ServeFixture.Gate gate = new ServeFixture.Gate(captioner::caption);
        gate.shut();
        try (CaptionServer s = server(ServeConfig.defaults(), gate)) {
            assertEquals(200, get(s.url() + "healthz").statusCode());
            HttpResponse<String> notReady = get(s.url() + "readyz");
            assertEquals(503, notReady.statusCode());
            assertTrue(notReady.body().contains("warming up"), notReady.body());
            CaptionServerTest.assertError(send(post(s.url() + "v1/captions", image(48, 48, "png"), "image/png")), 503);
            gate.open();
            assertTrue(s.awaitReady(60_000));
            assertEquals(200, get(s.url() + "readyz").statusCode());
        }
    }

    @Test
    void shutdownFinishesRequestsInFlightAndRefusesNewOnes() throws Exception {
        ServeFixture.Gate gate = new ServeFixture.Gate(captioner::caption);
        CaptionServer s = server(ServeConfig.defaults(), gate);
        assertTrue(s.awaitReady(60_000));
        gate.shut();
        var inFlight = captionAsync(s.url());
        gate.awaitHeld();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.isReady() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        HttpResponse<String> ready = get(s.url() + "readyz");
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body().contains("shutting down"), ready.body());
        String msg = CaptionServerTest.assertError(send(post(s.url() + "v1/captions", image(48, 48, "png"), "image/png")), 503);
        assertTrue(msg.contains("shutting down"), msg);
        assertFalse(closing.isDone(), "close waits for the request in flight");
        gate.open();
        assertEquals(200, inFlight.get(30, TimeUnit.SECONDS).statusCode());
        closing.get(30, TimeUnit.SECONDS);
    }
}

package dev.kvcap.serve;

import static dev.kvcap.serve.ServeFixture.get;
import static dev.kvcap.serve.ServeFixture.image;
import static dev.kvcap.serve.ServeFixture.post;
import static dev.kvcap.serve.ServeFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.infer.Captioner;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route and every error path of the service, through a real HTTP client. */
class CaptionServerTest {

    static Captioner captioner;
    static CaptionServer server;
    static String url;
    @TempDir static Path modelDir;

    @BeforeAll
    static void start() throws Exception {
        captioner = ServeFixture.tinyCaptioner(modelDir);
        server = new CaptionServer(captioner, ServeConfig.defaults().withPort(0).withLimits(64, 256 * 1024, 30_000)).start();
        url = server.url();
        assertTrue(server.awaitReady(60_000), "warm-up did not finish");
    }

    @AfterAll
    static void stop() {
        server.close();
        captioner.close();
    }

    static JsonObject json(HttpResponse<String> r) {
        return json(r.body());
    }

    static JsonObject json(String body) {
        return JsonParser.parseString(body).getAsJsonObject();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** An error answer: the status, JSON with a one-line message, and no trace of Java. */
    static String assertError(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        String msg = json(r).get("error").getAsString();
        assertFalse(msg.isBlank());
        assertFalse(msg.contains("\n"), msg);
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat ") || r.body().contains("dev.kvcap"), r.body());
        return msg;
    }

    @Test
    void healthzAndReadyzAnswerOkOnceWarmedUp() throws Exception {
        HttpResponse<String> health = get(url + "healthz");
        assertEquals(200, health.statusCode());
        assertEquals("ok", json(health).get("status").getAsString());
        HttpResponse<String> ready = get(url + "readyz");
        assertEquals(200, ready.statusCode());
        assertEquals("ready", json(ready).get("status").getAsString());
    }

    @Test
    void aRawPngBodyGetsCaptionTokensAlternativesTimingAndModelId() throws Exception {
        HttpResponse<String> r = send(post(url + "v1/captions", image(80, 60, "png"), "image/png"));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = json(r);
        JsonArray tokens = o.getAsJsonArray("tokens");
        StringBuilder words = new StringBuilder();
        for (var t : tokens) {
            words.append(words.length() == 0 ? "" : " ").append(t.getAsJsonObject().get("word").getAsString());
            assertTrue(t.getAsJsonObject().get("log_prob").getAsDouble() <= 0);
            assertFalse(t.getAsJsonObject().has("heatmap"), "heat-maps only when asked");
        }
        assertEquals(o.get("caption").getAsString(), words.toString());
        assertEquals(captioner.defaults().beamSize(), o.get("beam").getAsInt());
        assertEquals(captioner.defaults().beamSize() - 1, o.getAsJsonArray("alternatives").size());
        assertEquals(server.modelId(), o.get("model").getAsString());
        JsonObject timing = o.getAsJsonObject("timing");
        assertTrue(timing.get("total_ms").getAsDouble() >= timing.get("model_ms").getAsDouble());
        assertTrue(timing.get("batch_size").getAsInt() >= 1);
    }

    @Test
    void aMultipartUploadGetsTheSameCaptionAsTheRawBody() throws Exception {
        byte[] jpeg = image(64, 64, "jpg");
        Object[] form = ServeFixture.multipart("image", "photo.jpg", jpeg);
        HttpResponse<String> viaForm = send(post(url + "v1/captions", (byte[]) form[0], (String) form[1]));
        HttpResponse<String> raw = send(post(url + "v1/captions", jpeg, "application/octet-stream"));
        assertEquals(200, viaForm.statusCode(), viaForm.body());
        assertEquals(json(raw).get("caption"), json(viaForm).get("caption"));
    }

    @Test
    void heatmapsWhenAskedAreOnePngPerWord() throws Exception {
        HttpResponse<String> r = send(post(url + "v1/captions?heatmaps=true", image(64, 64, "png"), "image/png"));
        assertEquals(200, r.statusCode(), r.body());
        JsonArray tokens = json(r).getAsJsonArray("tokens");
        assertTrue(tokens.size() > 0);
        for (var t : tokens) {
            String uri = t.getAsJsonObject().get("heatmap").getAsString();
            assertTrue(uri.startsWith("data:image/png;base64,"), uri);
            byte[] png = Base64.getDecoder().decode(uri.substring(uri.indexOf(',') + 1));
            assertEquals(256, javax.imageio.ImageIO.read(new ByteArrayInputStream(png)).getWidth());
        }
    }

    @Test
    void beamAndMaxLenQueryOptionsAreApplied() throws Exception {
        JsonObject greedy = json(send(post(url + "v1/captions?beam=1&max_len=2", image(64, 64, "png"), "image/png")));
        assertEquals(1, greedy.get("beam").getAsInt());
        assertEquals(0, greedy.getAsJsonArray("alternatives").size());
        assertTrue(greedy.getAsJsonArray("tokens").size() <= 2);
        JsonObject wide = json(send(post(url + "v1/captions?beam=4", image(64, 64, "png"), "image/png")));
        assertEquals(4, wide.get("beam").getAsInt());
        assertTrue(wide.getAsJsonArray("alternatives").size() >= 1);
    }

    @Test
    void badQueryOptionsAre400WithTheirRange() throws Exception {
        for (String q : new String[] {"beam=0", "beam=x", "beam=99", "max_len=-1", "heatmaps=maybe"}) {
            String msg = assertError(send(post(url + "v1/captions?" + q, image(32, 32, "png"), "image/png")), 400);
            assertTrue(msg.contains(q.substring(0, q.indexOf('='))), msg);
        }
    }

    @Test
    void emptyRepeatedUndecodableOrUnknownOptionsAre400NotADefault() throws Exception {
        String[][] cases = {
            {"beam=", "beam is empty"},
            {"beam", "beam is empty"},
            {"heatmaps=", "heatmaps is empty"},
            {"beam=3&beam=5", "beam is given 2 times"},
            {"beam=3&beam=3", "beam is given 2 times"},
            {"beam=%zz", "malformed query string"},
            {"beam=%ff", "malformed query string"},
            {"%=1", "malformed query string"},
            {"beams=3", "unknown query parameter 'beams'"},
        };
        byte[] png = image(32, 32, "png");
        for (String[] c : cases) {
            byte[] head = ("POST /v1/captions?" + c[0] + " HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                    + "Content-Length: " + png.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            RawHttp.Response r = RawHttp.exchange(server.port(), concat(head, png), 5000);
            assertEquals(400, r.status(), c[0] + " -> " + r);
            String msg = json(r.body()).get("error").getAsString();
            assertTrue(r.isJson() && msg.contains(c[1]), c[0] + " -> " + r);
            assertEquals("close", r.header("connection"), "the body went unread: " + r);
        }
        assertEquals(200, send(post(url + "v1/captions?beam=2&&max_len=3&", image(32, 32, "png"), "image/png")).statusCode());
    }

    @Test
    void aBodyOverTheLimitIs413WithOrWithoutContentLength() throws Exception {
        byte[] big = new byte[300 * 1024];
        assertTrue(assertError(send(post(url + "v1/captions", big, "image/png")), 413).contains("limit"));
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(url + "v1/captions"))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
        assertError(send(chunked), 413);
        Object[] form = ServeFixture.multipart("image", "big.png", big);
        assertError(send(post(url + "v1/captions", (byte[]) form[0], (String) form[1])), 413);
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413AtOnceAndNo100ContinueAsksForTheBody() throws Exception {
        String head = "POST /v1/captions HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 1000000000\r\n";
        RawHttp.Response expecting = RawHttp.exchange(server.port(), head + "Expect: 100-continue\r\n\r\n", 5000);
        assertEquals(413, expecting.status(), expecting.toString());
        assertFalse(expecting.sawContinue(), "the body was asked for");
        assertTrue(expecting.isJson() && expecting.body().contains("limit"), expecting.toString());
        // without Expect the answer still comes before the body: none is sent here at all
        RawHttp.Response sending = RawHttp.exchange(server.port(), head + "\r\n", 5000);
        assertEquals(413, sending.status(), sending.toString());
        assertEquals("close", sending.header("connection"));
    }

    @Test
    void malformedMultipartIs400NamingTheFaultNever500() throws Exception {
        String part = "--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n";
        String[][] cases = {
            {"multipart/form-data; boundary=XYZ", "garbage, no boundary anywhere", "closing boundary"},
            {"multipart/form-data", part + "x\r\n--B--\r\n", "no boundary"},
            {"multipart/form-data; boundary=B", part + "x", "closing boundary"},
            {"multipart/form-data; boundary=B", "--B\r\n\r\nv\r\n".repeat(5000) + "--B--\r\n", "too many parts"},
            {"multipart/form-data; boundary=" + "b".repeat(5000), "--" + "b".repeat(5000) + "\r\n\r\nx\r\n", "longer than 70"},
        };
        for (String[] c : cases) {
            String msg = assertError(send(post(url + "v1/captions", c[1].getBytes(), c[0])), 400);
            assertTrue(msg.startsWith("malformed multipart body") && msg.contains(c[2]), msg);
        }
        assertFalse(get(url + "metrics").body().contains("status=\"500\""), "a client's fault counted as the server's");
    }

    @Test
    void bytesThatAreNoImageAre400WithAOneLineMessage() throws Exception {
        String msg = assertError(send(post(url + "v1/captions", "hello".getBytes(), "image/png")), 400);
        assertTrue(msg.contains("not a recognised image"), msg);
        byte[] png = image(64, 64, "png");
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        assertError(send(post(url + "v1/captions", cut, "image/png")), 400);
    }

    @Test
    void anEmptyBodyOrAFormWithoutImageIs400() throws Exception {
        assertTrue(assertError(send(post(url + "v1/captions", new byte[0], "image/png")), 400).contains("empty"));
        Object[] form = ServeFixture.multipart("picture", "a.png", image(32, 32, "png"));
        String msg = assertError(send(post(url + "v1/captions", (byte[]) form[0], (String) form[1])), 400);
        assertTrue(msg.contains("'image'"), msg);
    }

    @Test
    void aDecompressionBombIsRefusedByItsHeaderDimensions() throws Exception {
        byte[] bomb = ServeFixture.pngClaiming(100_000, 100_000);
        String msg = assertError(send(post(url + "v1/captions", bomb, "image/png")), 400);
        assertTrue(msg.contains("too large"), msg);
    }

    @Test
    void modelRouteGivesTheConfigAndVocabularySizeButNoPath() throws Exception {
        HttpResponse<String> r = get(url + "v1/model");
        assertEquals(200, r.statusCode());
        JsonObject o = json(r);
        assertEquals(captioner.vocab().size(), o.get("vocab_size").getAsInt());
        assertEquals("tiny", o.getAsJsonObject("config").get("preset").getAsString());
        assertEquals(server.modelId(), o.get("id").getAsString());
        assertEquals("fp32", o.getAsJsonObject("precision").get("decoder").getAsString());
        assertFalse(r.body().contains(modelDir.toString()), "the model's path stays on the server");
    }

    @Test
    void metricsCountRequestsByStatusAndShowQueueAndBatchSizes() throws Exception {
        send(post(url + "v1/captions", image(32, 32, "png"), "image/png"));
        send(post(url + "v1/captions", "x".getBytes(), "image/png"));
        HttpResponse<String> r = get(url + "metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String m = r.body();
        assertTrue(m.contains("http_server_requests_seconds_count{method=\"POST\",route=\"/v1/captions\",status=\"200\"}"), m);
        assertTrue(m.contains("status=\"400\""), m);
        assertTrue(m.contains("http_server_requests_seconds_bucket{"), "a latency histogram");
        assertTrue(m.contains("kvcap_queue_depth "), m);
        assertTrue(m.contains("kvcap_batch_size_bucket{le=\"1.0\"}"), m);
        assertTrue(m.contains("kvcap_model_forward_seconds_count"), m);
    }

    @Test
    void unknownRoutesAre404AndWrongMethodsAreRefusedAsJson() throws Exception {
        assertError(get(url + "etc/passwd"), 404);
        assertError(get(url + "v1/captions"), 405);
    }

    @Test
    void thePageIsOneSelfContainedHtmlFile() throws Exception {
        HttpResponse<String> r = get(url);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(r.body().contains("/v1/captions"));
        assertFalse(r.body().matches("(?s).*(src|href)=\"https?:.*"), "no external assets");
    }

    @Test
    void noCorsHeadersUnlessAnOriginIsConfigured() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "healthz")).header("Origin", "http://evil.example").GET().build();
        assertTrue(send(req).headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        try (CaptionServer cors = new CaptionServer(captioner, ServeConfig.defaults().withPort(0).withCors("http://app.example")).start()) {
            HttpRequest ok = HttpRequest.newBuilder(URI.create(cors.url() + "healthz")).header("Origin", "http://app.example").GET().build();
            assertEquals("http://app.example", send(ok).headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            HttpRequest other = HttpRequest.newBuilder(URI.create(cors.url() + "healthz")).header("Origin", "http://evil.example").GET().build();
            assertTrue(send(other).headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        }
    }

    @Test
    void corsStarAllowsEveryOrigin() throws Exception {
        try (CaptionServer cors = new CaptionServer(captioner, ServeConfig.defaults().withPort(0).withCors("*").validate()).start()) {
            HttpRequest any = HttpRequest.newBuilder(URI.create(cors.url() + "healthz")).header("Origin", "http://anywhere.example").GET().build();
            String allowed = send(any).headers().firstValue("Access-Control-Allow-Origin").orElse("");
            assertTrue(allowed.equals("*") || allowed.equals("http://anywhere.example"), allowed);
        }
    }

    @Test
    void corsRefusesWhatIsNotAnOrigin() {
        for (String bad : List.of("", "http://", "http://app.example/path", "ftp://app.example", "http://app example", "app.*.example")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ServeConfig.defaults().withCors(bad).validate(), bad);
            assertTrue(e.getMessage().startsWith("--cors must be * or one origin"), e.getMessage());
        }
        for (String good : List.of("http://localhost:3000", "https://app.example", "app.example", "https://*.example.com",
                "HTTP://APP.EXAMPLE", "http://[::1]:8080", "http://my_host:8443")) {
            ServeConfig.defaults().withCors(good).validate();
        }
    }

    @Test
    void corsWithAStarredHostAllowsItsSubdomains() throws Exception {
        try (CaptionServer cors = new CaptionServer(captioner, ServeConfig.defaults().withPort(0).withCors("https://*.example.com").validate()).start()) {
            HttpRequest sub = HttpRequest.newBuilder(URI.create(cors.url() + "healthz")).header("Origin", "https://app.example.com").GET().build();
            assertEquals("https://app.example.com", send(sub).headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            HttpRequest other = HttpRequest.newBuilder(URI.create(cors.url() + "healthz")).header("Origin", "https://example.org").GET().build();
            assertTrue(send(other).headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        }
    }

    @Test
    void itBindsLoopbackUnlessToldOtherwise() {
        assertEquals("127.0.0.1", ServeConfig.defaults().host());
        assertTrue(url.startsWith("http://127.0.0.1:"), url);
    }
}

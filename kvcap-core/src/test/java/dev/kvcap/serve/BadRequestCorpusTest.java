package dev.kvcap.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.infer.Captioner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The service's bad-request corpus: each request (sent as raw bytes, so no client tidies it up)
 * with the status and the words of the error it must get. Every answer is JSON {@code
 * {"error":"<one line>","status":N}} with no trace of Java, and none is a 500. The README's
 * reliability section quotes this table's size.
 */
class BadRequestCorpusTest {

    static Captioner captioner;
    static CaptionServer server;
    @TempDir static Path modelDir;

    /** The limit the corpus runs under: small, so over-limit bodies stay cheap. */
    static final int LIMIT = 256 * 1024;

    @BeforeAll
    static void start() throws Exception {
        captioner = ServeFixture.tinyCaptioner(modelDir);
        server = new CaptionServer(captioner, ServeConfig.defaults().withPort(0).withLimits(64, LIMIT, 30_000)).start();
        assertTrue(server.awaitReady(60_000), "warm-up did not finish");
    }

    @AfterAll
    static void stop() {
        server.close();
        captioner.close();
    }

    /** One bad request and what it must get. */
    record Case(String name, byte[] request, int status, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> corpus() {
        return Stream.of(images(), multipart(), sizes(), queries(), routes(), protocol())
                .flatMap(List::stream);
    }

    /** Bodies that are not an image the service takes. */
    static List<Case> images() {
        byte[] png = ServeFixture.image(40, 30, "png");
        byte[] jpeg = ServeFixture.image(40, 30, "jpg");
        return List.of(
                new Case("text sent as a PNG", post("/v1/captions", "image/png", bytes("hello")), 400, "not a recognised image"),
                new Case("JSON sent as the image", post("/v1/captions", "application/json", bytes("{\"image\":\"cat.png\"}")), 400, "not a recognised image"),
                new Case("PNG cut in half", post("/v1/captions", "image/png", Arrays.copyOf(png, png.length / 2)), 400, "image"),
                new Case("JPEG cut in half", post("/v1/captions", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2)), 400, "image"),
                new Case("PNG signature only", post("/v1/captions", "image/png", Arrays.copyOf(png, 8)), 400, "image"),
                new Case("PNG with a corrupt header chunk", post("/v1/captions", "image/png", flip(png, 20)), 400, "image"),
                new Case("decompression bomb header", post("/v1/captions", "image/png", ServeFixture.pngClaiming(100_000, 100_000)), 400, "too large"),
                new Case("PNG claiming 0x0", post("/v1/captions", "image/png", ServeFixture.pngClaiming(0, 0)), 400, "image"),
                new Case("empty body", post("/v1/captions", "image/png", new byte[0]), 400, "empty body"),
                new Case("no body at all", bytes("POST /v1/captions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, "empty body"));
    }

    /** Multipart bodies Jetty cannot parse or that hold no image. */
    static List<Case> multipart() {
        String part = "--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n";
        String bigBoundary = "b".repeat(5000);
        return List.of(
                new Case("multipart: garbage body", post("/v1/captions", "multipart/form-data; boundary=XYZ", bytes("garbage")), 400, "closing boundary"),
                new Case("multipart: no boundary parameter", post("/v1/captions", "multipart/form-data", bytes(part + "x\r\n--B--\r\n")), 400, "no boundary"),
                new Case("multipart: empty boundary parameter", post("/v1/captions", "multipart/form-data; boundary=", bytes(part + "x\r\n--B--\r\n")), 400, "no boundary"),
                new Case("multipart: an unterminated quote in the Content-Type", post("/v1/captions", "multipart/form-data; boundary=\"B", bytes(part + "x\r\n--B--\r\n")), 400, "parameters do not parse"),
                new Case("multipart: no closing boundary", post("/v1/captions", "multipart/form-data; boundary=B", bytes(part + "x")), 400, "closing boundary"),
                new Case("multipart: 5,000 parts", post("/v1/captions", "multipart/form-data; boundary=B", bytes("--B\r\n\r\nv\r\n".repeat(5000) + "--B--\r\n")), 400, "too many parts"),
                new Case("multipart: 5,000-character boundary", post("/v1/captions", "multipart/form-data; boundary=" + bigBoundary, bytes("--" + bigBoundary + "\r\n\r\nx\r\n--" + bigBoundary + "--\r\n")), 400, "longer than 70"),
                new Case("multipart: no 'image' field", post("/v1/captions", "multipart/form-data; boundary=B", bytes(part.replace("\"image\"", "\"photo\"") + "x\r\n--B--\r\n")), 400, "no file field 'image'"),
                new Case("multipart: empty 'image' field", post("/v1/captions", "multipart/form-data; boundary=B", bytes(part + "\r\n--B--\r\n")), 400, "empty body"),
                new Case("multipart: part with no headers end", post("/v1/captions", "multipart/form-data; boundary=B", bytes("--B\r\nContent-Disposition: form-data; name=\"image\"")), 400, "malformed multipart body"),
                new Case("multipart: text in the 'image' field", post("/v1/captions", "multipart/form-data; boundary=B", bytes(part + "hello\r\n--B--\r\n")), 400, "not a recognised image"));
    }

    /** Bodies over the limit, declared or not. */
    static List<Case> sizes() {
        String head = "POST /v1/captions HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n";
        byte[] over = new byte[LIMIT + 1];
        return List.of(
                new Case("declared 1 GB with Expect: 100-continue", bytes(head + "Content-Length: 1000000000\r\nExpect: 100-continue\r\n\r\n"), 413, "larger than the limit"),
                new Case("declared 1 GB, no body sent", bytes(head + "Content-Length: 1000000000\r\n\r\n"), 413, "larger than the limit"),
                new Case("one byte over the limit", post("/v1/captions", "image/png", over), 413, "larger than the limit"),
                new Case("chunked, over the limit", concat(bytes(head + "Transfer-Encoding: chunked\r\n\r\n"), chunked(over)), 413, "larger than the limit"),
                new Case("multipart file over the limit", multipartOf(over), 413, "larger than the limit"));
    }

    /** Query options that are out of range, empty, repeated, undecodable or unknown. */
    static List<Case> queries() {
        byte[] png = ServeFixture.image(32, 32, "png");
        Object[][] table = {
            {"beam=0", "beam must be a whole number from 1 to 10"},
            {"beam=11", "beam must be a whole number from 1 to 10"},
            {"beam=-1", "beam must be a whole number"},
            {"beam=x", "beam must be a whole number"},
            {"beam=1.5", "beam must be a whole number"},
            {"beam=99999999999999999999", "beam must be a whole number"},
            {"beam=", "beam is empty"},
            {"beam", "beam is empty"},
            {"beam=%20", "beam is empty"},
            {"beam=3&beam=5", "beam is given 2 times"},
            {"max_len=0", "max_len must be a whole number from 1 to 50"},
            {"max_len=51", "max_len must be a whole number from 1 to 50"},
            {"max_len=&beam=2", "max_len is empty"},
            {"heatmaps=maybe", "heatmaps must be true or false"},
            {"heatmaps=", "heatmaps is empty"},
            {"heatmaps=true&heatmaps=false", "heatmaps is given 2 times"},
            {"beam=%zz", "malformed query string"},
            {"beam=%", "malformed query string"},
            {"beam=%ff", "malformed query string"},
            {"%=1", "malformed query string"},
            {"beams=3", "unknown query parameter 'beams'"},
            {"Beam=3", "unknown query parameter 'Beam'"},
            {"image=../../etc/passwd", "unknown query parameter 'image'"},
            {"remember=true", "no memory bank"},
        };
        return Arrays.stream(table)
                .map(r -> new Case("?" + r[0], post("/v1/captions?" + r[0], "image/png", png), ((String) r[1]).contains("memory") ? 404 : 400, (String) r[1]))
                .toList();
    }

    /** Routes and methods the service does not have. */
    static List<Case> routes() {
        byte[] png = ServeFixture.image(32, 32, "png");
        return List.of(
                new Case("GET /nowhere", get("/nowhere"), 404, "no such route"),
                new Case("GET /etc/passwd", get("/etc/passwd"), 404, "no such route"),
                new Case("GET /v1/captions", get("/v1/captions"), 405, "not allowed"),
                new Case("DELETE /healthz", bytes("DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 405, "not allowed"),
                new Case("PUT /v1/captions", bytes("PUT /v1/captions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), 405, "not allowed"),
                new Case("an invented method", bytes("BREW /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 405, "not allowed"),
                new Case("POST /v1/memory without a bank", post("/v1/memory?caption=a", "image/png", png), 404, "no memory bank"),
                new Case("GET /../../etc/passwd", get("/../../etc/passwd"), 400, "Bad Request"),
                new Case("GET /%2e%2e/%2e%2e/etc/passwd", get("/%2e%2e/%2e%2e/etc/passwd"), 400, "Bad Request"),
                new Case("GET /%00", get("/%00"), 400, "Bad Request"),
                new Case("GET /%ff", get("/%ff"), 400, "Bad UTF-8"),
                new Case("GET /%zz", get("/%zz"), 400, "Bad Request"),
                new Case("GET /%2F..%2Fetc", get("/%2F..%2Fetc"), 404, "no such route"),
                new Case("a 10 KB URL", get("/" + "a".repeat(10_000)), 414, "URI Too Long"));
    }

    /** Requests that break HTTP/1.1 itself. */
    static List<Case> protocol() {
        String post = "POST /v1/captions HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n";
        return List.of(
                new Case("Content-Length and Transfer-Encoding", bytes(post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400, "Transfer-Encoding and Content-Length"),
                new Case("two Content-Lengths", bytes(post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef"), 400, "Multiple Content-Lengths"),
                new Case("negative Content-Length", bytes(post + "Content-Length: -5\r\n\r\n"), 400, "Content-Length"),
                new Case("Content-Length not a number", bytes(post + "Content-Length: ten\r\n\r\n"), 400, "Content-Length"),
                new Case("Content-Length past 2^63", bytes(post + "Content-Length: 99999999999999999999\r\n\r\n"), 400, "Bad Request"),
                new Case("chunk size not hex", bytes(post + "Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n"), 400, "request body"),
                new Case("unknown Transfer-Encoding", bytes(post + "Transfer-Encoding: gzip\r\n\r\nabc"), 400, "Bad Transfer-Encoding"),
                new Case("a 100 KB header", bytes("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(100_000) + "\r\n\r\n"), 431, "Request Header Fields Too Large"),
                new Case("HTTP/9.9", bytes("GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"), 505, "Unknown Version"),
                new Case("a request line of garbage", bytes("HELLO\r\n\r\n"), 400, "No URI"),
                new Case("no Host header", bytes("GET /healthz HTTP/1.1\r\n\r\n"), 400, "No Host"),
                new Case("two Host headers", bytes("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400, "Duplicate Host"),
                new Case("a header without a colon", bytes("GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"), 400, "Illegal character"),
                new Case("a space before the colon", bytes("GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n"), 400, "Illegal character"),
                new Case("a NUL in a header", bytes("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n"), 400, "Illegal character"),
                new Case("a folded header line", bytes("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"), 400, "Line Folding not supported"),
                new Case("a bare LF in the request line (HTTP/0.9)", bytes("GET /healthz\nHTTP/1.1\r\nHost: x\r\n\r\n"), 505, "HTTP/0.9 not supported"),
                new Case("a tab in the URI", bytes("GET /heal\tthz HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "Illegal character"),
                new Case("a body cut short", bytes(post + "Content-Length: 100\r\n\r\nabc"), 400, "request body"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyBadRequestGetsItsStatusAndAOneLineJsonError(Case c) throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.port(), c.request(), 10_000);
        assertEquals(c.status(), r.status(), c.name() + " -> " + r);
        assertTrue(r.isJson(), c.name() + " -> " + r);
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals(c.status(), o.get("status").getAsInt(), r.body());
        String msg = o.get("error").getAsString();
        assertTrue(msg.contains(c.message()), c.name() + " -> " + msg);
        assertFalse(msg.contains("\n") || r.body().contains("Exception") || r.body().contains("dev.kvcap") || r.body().contains("\tat "), r.body());
    }

    @Test
    void noneOfThemIsCountedAsAServerError() throws Exception {
        corpus().limit(20).forEach(c -> {
            try {
                RawHttp.exchange(server.port(), c.request(), 10_000);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String m = RawHttp.exchange(server.port(), get("/metrics"), 10_000).body();
        assertTrue(m.contains("status=\"400\""), m);
        assertFalse(m.contains("status=\"500\""), m);
    }

    // --- request builders: raw bytes, Connection: close so each exchange ends with its answer

    static byte[] get(String target) {
        return bytes("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    static byte[] post(String target, String type, byte[] body) {
        String head = "POST " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: " + type
                + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        return concat(bytes(head), body);
    }

    static byte[] multipartOf(byte[] content) {
        Object[] form = ServeFixture.multipart("image", "a.png", content);
        return post("/v1/captions", (String) form[1], (byte[]) form[0]);
    }

    static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += 8192) {
            int n = Math.min(8192, body.length - i);
            out.writeBytes(bytes(Integer.toHexString(n) + "\r\n"));
            out.write(body, i, n);
            out.writeBytes(bytes("\r\n"));
        }
        out.writeBytes(bytes("0\r\n\r\n"));
        return out.toByteArray();
    }

    static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= (byte) 0xFF;
        return c;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

package dev.kvcap.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every way a request can fail answers the JSON shape, on a bare app with {@link JsonErrors}
 * installed and routes that fail on purpose (no model needed).
 */
class JsonErrorsTest {

    static ServeMetrics metrics;
    static Javalin app;

    @BeforeAll
    static void start() {
        metrics = new ServeMetrics(1);
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.prefer405over404 = true;
            c.requestLogger.http((ctx, ms) -> metrics.request(ctx.method().name(), ctx.path(), ctx.statusCode(), 0));
            c.routes.get("/exception", ctx -> {
                throw new IllegalStateException("secret detail of dev.kvcap.Internal");
            });
            c.routes.get("/error", ctx -> {
                throw new AssertionError("secret detail of dev.kvcap.Internal");
            });
            c.routes.get("/api", ctx -> {
                throw new ApiException(418, "two\nlines\tof\u0000text");
            });
            c.routes.get("/javalin", ctx -> {
                throw new BadRequestResponse("javalin's own refusal");
            });
            c.routes.get("/send-error", ctx -> ctx.res().sendError(503)); // the servlet layer's own error page
            JsonErrors.install(c, metrics);
        }).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    static JsonObject assertShape(RawHttp.Response r, int status) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.isJson(), r.toString());
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals(2, o.size(), r.body());
        assertEquals(status, o.get("status").getAsInt());
        String msg = o.get("error").getAsString();
        assertFalse(msg.isBlank() || msg.contains("\n") || msg.contains("Exception") || msg.contains("dev.kvcap"), msg);
        return o;
    }

    static RawHttp.Response get(String target, String... headers) throws Exception {
        String h = String.join("", java.util.Arrays.stream(headers).map(x -> x + "\r\n").toList());
        return RawHttp.exchange(app.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + h + "\r\n", 5000);
    }

    /** Runs {@code action} with stderr (where the log goes) captured; returns what was logged. */
    static String logOf(ThrowingRunnable action) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void anUnexpectedExceptionIs500InternalErrorWithItsStackTraceInTheLogOnly() throws Exception {
        RawHttp.Response[] r = new RawHttp.Response[1];
        String log = logOf(() -> r[0] = get("/exception"));
        assertEquals("internal error", assertShape(r[0], 500).get("error").getAsString());
        assertTrue(log.contains("IllegalStateException") && log.contains("\tat "), log);
    }

    @Test
    void aJavaLangErrorIs500InternalErrorToo() throws Exception {
        RawHttp.Response[] r = new RawHttp.Response[1];
        String log = logOf(() -> r[0] = get("/error"));
        assertEquals("internal error", assertShape(r[0], 500).get("error").getAsString());
        assertTrue(log.contains("AssertionError") && log.contains("\tat "), log);
    }

    @Test
    void refusalsKeepTheirStatusAndAOneLineMessage() throws Exception {
        assertEquals("two lines of text", assertShape(get("/api"), 418).get("error").getAsString());
        assertEquals("javalin's own refusal", assertShape(get("/javalin"), 400).get("error").getAsString());
        assertShape(get("/nowhere"), 404);
        assertShape(RawHttp.exchange(app.port(), "DELETE /api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5000), 405);
    }

    @Test
    void theServletLayersOwnErrorPageIsJsonToo() throws Exception {
        assertShape(get("/send-error"), 503);
    }

    @Test
    void whatJettyRefusesBeforeJavalinIsJsonWhateverTheClientAccepts() throws Exception {
        assertEquals("Bad Request", assertShape(get("/%00"), 400).get("error").getAsString());
        assertShape(get("/%ff", "Accept: text/html"), 400);
        assertShape(get("/%ff", "Accept: image/png"), 400);
        assertShape(get("/" + "x".repeat(10_000)), 414);
        assertShape(get("/api", "X-Big: " + "y".repeat(100_000)), 431);
        assertShape(RawHttp.exchange(app.port(), "GET /api HTTP/9.9\r\nHost: x\r\n\r\n", 5000), 505);
        assertShape(RawHttp.exchange(app.port(), "PUT /%00 HTTP/1.1\r\nHost: x\r\n\r\n", 5000), 400);
        RawHttp.Response head = RawHttp.exchange(app.port(), "HEAD /%00 HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
        assertEquals(400, head.status());
        assertTrue(head.isJson(), head.toString());
    }

    @Test
    void jettysRefusalsAreCountedOnceAndInventedMethodsShareOneLabel() throws Exception {
        get("/send-error");
        RawHttp.exchange(app.port(), "GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
        RawHttp.exchange(app.port(), "BREW /api HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
        String m = metrics.scrape();
        assertTrue(m.contains("route=\"other\",status=\"400\""), m);
        assertFalse(m.contains("BREW"), m);
        assertTrue(m.contains("route=\"/send-error\",status=\"503\""), m);
        assertFalse(m.contains("route=\"other\",status=\"503\""), "counted twice: " + m);
    }
}

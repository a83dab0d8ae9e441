package dev.kvcap.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.infer.Captioner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random malformed requests ({@link HttpFuzzer}) over raw sockets on loopback, for a bounded time:
 * no answer is a 500 or HTML, every error answer is the JSON shape with its own status, nothing is
 * logged with a stack trace, and the service answers {@code /healthz} afterwards.
 *
 * <p>CI runs {@value #DEFAULT_SECONDS} s; {@code -Dkvcap.fuzz.seconds=N} runs longer and {@code
 * -Dkvcap.fuzz.seed=S} replays a run (the seed is printed).
 */
class HttpFuzzTest {

    static final int DEFAULT_SECONDS = 3;

    static Captioner captioner;
    static CaptionServer server;
    @TempDir static Path modelDir;

    @BeforeAll
    static void start() throws Exception {
        captioner = ServeFixture.tinyCaptioner(modelDir);
        server = new CaptionServer(captioner, ServeConfig.defaults().withPort(0).withLimits(64, 256 * 1024, 30_000)).start();
        assertTrue(server.awaitReady(60_000), "warm-up did not finish");
    }

    @AfterAll
    static void stop() {
        server.close();
        captioner.close();
    }

    @Test
    void malformedRequestsNeverGet500OrHtmlAndErrorsAreAlwaysJson() throws Exception {
        long seconds = Long.getLong("kvcap.fuzz.seconds", DEFAULT_SECONDS);
        long seed = Long.getLong("kvcap.fuzz.seed", System.nanoTime());
        HttpFuzzer fuzzer = new HttpFuzzer(new Random(seed));
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<String> unanswered = new ArrayList<>();
        int sent = 0;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try {
            while (System.nanoTime() < end) {
                byte[] request = fuzzer.next();
                RawHttp.Response r = RawHttp.exchange(server.port(), request, 10_000);
                sent++;
                statuses.merge(r.status(), 1, Integer::sum);
                boolean head = new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1).equals("HEAD ");
                String fault = fault(r, head);
                if (r.status() == -1 && unanswered.size() < 3) {
                    unanswered.add(printable(request));
                }
                if (fault != null && failures.size() < 10) {
                    failures.add(fault + " <- " + printable(request) + " -> " + printable(r.toString().getBytes(StandardCharsets.UTF_8)));
                }
            }
        } finally {
            System.setErr(oldErr);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        System.out.printf("HTTP fuzz: seed %d, %d s, %d requests, statuses %s (-1: closed without an answer)%n", seed, seconds, sent, statuses);
        unanswered.forEach(u -> System.out.println("  closed without an answer: " + u));
        assertTrue(failures.isEmpty(), "seed " + seed + ":\n" + String.join("\n", failures) + "\nlog:\n" + logged);
        assertFalse(logged.contains("\tat "), "a stack trace was logged (seed " + seed + "):\n" + logged);
        assertEquals(200, RawHttp.exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 5000).status());
        String metrics = RawHttp.exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 5000).body();
        assertFalse(metrics.contains("status=\"500\""), metrics);
    }

    /** What is wrong with an answer (to a HEAD request: one without a body), or null. */
    static String fault(RawHttp.Response r, boolean head) {
        if (r.status() == -2) {
            return "not an HTTP answer";
        }
        if (r.status() == 500) {
            return "500";
        }
        if (r.looksLikeHtml() && !(r.status() == 200 && r.body().contains("/v1/captions"))) {
            return "HTML"; // only the page at / is HTML
        }
        if (r.status() >= 400) {
            if (!r.isJson()) {
                return "an error that is not JSON";
            }
            if (head) {
                return null;
            }
            try {
                JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
                if (o.get("status").getAsInt() != r.status() || o.get("error").getAsString().contains("\n")) {
                    return "an error not in the JSON shape";
                }
            } catch (RuntimeException e) {
                return "an error body that does not parse";
            }
        }
        return null;
    }

    private static String printable(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 300), StandardCharsets.ISO_8859_1);
        return s.replaceAll("[^\\x20-\\x7e]", "·") + (b.length > 300 ? "…(" + b.length + " bytes)" : "");
    }
}

package dev.kvcap.serve;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes malformed HTTP/1.1 requests for {@link HttpFuzzTest}: a valid request to one of the
 * service's routes, then one to four random mutations of its request line, query string, headers,
 * framing or (multipart) body. Deterministic for a given {@link Random}.
 */
final class HttpFuzzer {

    private static final String[] METHODS = {
        "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE", "CONNECT", "BREW", "get", "G ET", "", "POST\u0000"
    };
    private static final String[] PATHS = {
        "/", "/healthz", "/readyz", "/metrics", "/v1/model", "/v1/captions", "/v1/memory", "/v1/captions/", "/v1//captions",
        "//v1/captions", "/v1/captions;x=1", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%00", "/%ff", "/%zz", "/%",
        "/v1/%63aptions", "*", "http://evil.example/v1/captions", "/\u00e9t\u00e9", "/a b", "/v1/captions#frag", "/index.html"
    };
    private static final String[] VERSIONS = {
        "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "HTTP/1", "http/1.1", "", "HTTP/1.1 extra", "HTTP/1.1\u0000", "HTTP/"
    };
    private static final String[] NAMES = {"beam", "max_len", "heatmaps", "remember", "caption", "beams", "", "%", "%zz"};
    private static final String[] VALUES = {
        "", "1", "2", "3", "0", "-1", "11", "99999999999999999999", "true", "false", "maybe", "x", "%zz", "%ff", "%", "+", "%20",
        "1.5", "0x3", "\u0000", "a%20red%20circle"
    };
    private static final String[] TYPES = {
        "image/png", "image/jpeg", "application/octet-stream", "text/plain", "", "multipart/form-data",
        "multipart/form-data; boundary=", "multipart/form-data; boundary=B", "multipart/form-data; boundary=\"B\"",
        "multipart/form-data; boundary=" + "b".repeat(200), "multipart/mixed; boundary=B", "application/json", ";;;", "image/png; charset=\u00ff"
    };

    private final Random random;
    private final byte[] png;
    private final byte[] jpeg;

    HttpFuzzer(Random random) {
        this.random = random;
        this.png = ServeFixture.image(24, 16, "png");
        this.jpeg = ServeFixture.image(24, 16, "jpg");
    }

    /** A request under construction. */
    private static final class Request {
        String method;
        String target;
        String version = "HTTP/1.1";
        String eol = "\r\n";
        final List<String> headers = new ArrayList<>();
        byte[] body = new byte[0];
        boolean chunked;
        String contentLength; // null: the body's own length
        byte[] trailing = new byte[0];

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder(method + " " + target + " " + version + eol);
            for (String h : headers) {
                head.append(h).append(eol);
            }
            if (chunked) {
                head.append("Transfer-Encoding: chunked").append(eol);
            } else if (body.length > 0 || contentLength != null) {
                head.append("Content-Length: ").append(contentLength != null ? contentLength : String.valueOf(body.length)).append(eol);
            }
            head.append(eol);
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(chunked ? BadRequestCorpusTest.chunked(body) : body);
            out.writeBytes(trailing);
            return out.toByteArray();
        }
    }

    /** The next request: a valid one, mutated 1 to 4 times. */
    byte[] next() {
        Request r = valid();
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            mutate(r);
        }
        return r.bytes();
    }

    private Request valid() {
        Request r = new Request();
        r.headers.add("Host: 127.0.0.1");
        switch (random.nextInt(6)) {
            case 0 -> get(r, pick(new String[] {"/healthz", "/readyz", "/v1/model", "/metrics", "/"}));
            case 1 -> post(r, "/v1/captions?beam=1&max_len=3", "image/png", png);
            case 2 -> post(r, "/v1/captions?beam=2&max_len=2&heatmaps=true", "image/jpeg", jpeg);
            case 3 -> {
                Object[] form = ServeFixture.multipart("image", "a.png", png);
                post(r, "/v1/captions?max_len=2", (String) form[1], (byte[]) form[0]);
            }
            case 4 -> post(r, "/v1/memory?caption=a+red+circle", "image/png", png);
            default -> post(r, "/v1/captions?beam=1&max_len=1", "application/octet-stream", png);
        }
        return r;
    }

    private static void get(Request r, String path) {
        r.method = "GET";
        r.target = path;
    }

    private static void post(Request r, String target, String type, byte[] body) {
        r.method = "POST";
        r.target = target;
        r.headers.add("Content-Type: " + type);
        r.body = body;
    }

    private void mutate(Request r) {
        switch (random.nextInt(16)) {
            case 0 -> r.method = random.nextInt(4) == 0 ? token(1 + random.nextInt(20)) : pick(METHODS);
            case 1 -> r.target = pick(PATHS) + (random.nextBoolean() ? "?" + query() : "");
            case 2 -> r.target = "/v1/captions?" + query();
            case 3 -> r.target = "/" + "a".repeat(random.nextInt(20_000));
            case 4 -> r.version = pick(VERSIONS);
            case 5 -> r.headers.removeIf(h -> h.startsWith("Host") || random.nextInt(3) == 0);
            case 6 -> r.headers.add(pick(new String[] {
                "Host: other", "Expect: 100-continue", "Content-Length: " + r.body.length, "Content-Length: -1",
                "Content-Length: ten", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked", "Connection: keep-alive",
                "NoColonHere", "Bad Name: x", "X-Ctl: a\u0000b", " folded", "X-Big: " + "y".repeat(random.nextInt(120_000)),
                "Content-Type: " + pick(TYPES), "Accept: text/html", "Accept: image/png", "Accept-Charset: ebcdic",
                "X-\u00ff: \u00ff", "Cookie: " + "c=1; ".repeat(random.nextInt(2000)),
            }));
            case 7 -> r.contentLength = pick(new String[] {
                "0", "1", String.valueOf(Math.max(0, r.body.length - 1 - random.nextInt(100))),
                String.valueOf(r.body.length + 1 + random.nextInt(1000)), "1000000000", "99999999999999999999", "-5", "", "0x10"
            });
            case 8 -> r.chunked = !r.chunked;
            case 9 -> r.body = r.body.length == 0 ? r.body : java.util.Arrays.copyOf(r.body, random.nextInt(r.body.length));
            case 10 -> {
                r.body = r.body.clone(); // the templates' images are shared
                flipBytes(r.body);
            }
            case 11 -> r.body = randomBytes(random.nextInt(random.nextBoolean() ? 256 : 300_000));
            case 12 -> r.body = multipartBody(r);
            case 13 -> r.eol = pick(new String[] {"\n", "\r", "\r\r\n", "\n\r"});
            case 14 -> r.trailing = random.nextBoolean()
                    ? "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)
                    : randomBytes(random.nextInt(512));
            default -> r.headers.add(token(1 + random.nextInt(30)) + ": " + token(random.nextInt(100)));
        }
    }

    /** A multipart body broken in one of several ways, with a matching (or not) Content-Type. */
    private byte[] multipartBody(Request r) {
        String b = random.nextInt(4) == 0 ? token(1 + random.nextInt(100)) : "B";
        r.headers.removeIf(h -> h.startsWith("Content-Type"));
        r.headers.add("Content-Type: multipart/form-data; boundary=" + (random.nextInt(5) == 0 ? "other" : b));
        String part = "--" + b + "\r\nContent-Disposition: form-data; name=\"" + pick(new String[] {"image", "photo", ""})
                + "\"; filename=\"a.png\"\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(6)) {
            case 0 -> out.writeBytes(("--" + b + "\r\n\r\nv\r\n").repeat(random.nextInt(6000)).getBytes(StandardCharsets.ISO_8859_1));
            case 1 -> out.writeBytes(("--" + b + "\r\nX-H: " + "h".repeat(random.nextInt(20_000)) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            case 2 -> out.writeBytes(part.getBytes(StandardCharsets.ISO_8859_1)); // no content, no close
            default -> {
                out.writeBytes(part.getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(random.nextBoolean() ? png : randomBytes(random.nextInt(2000)));
            }
        }
        if (random.nextBoolean()) {
            out.writeBytes(("\r\n--" + b + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    private String query() {
        StringBuilder q = new StringBuilder();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            q.append(i == 0 ? "" : pick(new String[] {"&", "&&", ";", "&="}));
            q.append(pick(NAMES));
            if (random.nextInt(5) > 0) {
                q.append('=').append(pick(VALUES));
            }
        }
        return q.toString();
    }

    private void flipBytes(byte[] body) {
        for (int i = 0, n = 1 + random.nextInt(8); i < n && body.length > 0; i++) {
            body[random.nextInt(body.length)] ^= (byte) (1 + random.nextInt(255));
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Printable ASCII, with a control character now and then. */
    private String token(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(random.nextInt(40) == 0 ? (char) random.nextInt(32) : (char) (33 + random.nextInt(94)));
        }
        return sb.toString();
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }
}

package dev.kvcap.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client will send (bad request lines, bad
 * framing, huge headers). Sends the bytes as given and closes its side, then reads one answer
 * (skipping interim 1xx answers, which it records).
 */
final class RawHttp {

    /** One answer; {@code status} is -1 when the server closed or went quiet without one. */
    record Response(int status, Map<String, String> headers, String body, boolean sawContinue) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean isJson() {
            String type = header("content-type");
            return type != null && type.startsWith("application/json");
        }

        boolean looksLikeHtml() {
            String type = header("content-type");
            String b = body.stripLeading().toLowerCase(Locale.ROOT);
            return (type != null && type.contains("html")) || b.startsWith("<") || b.contains("<html");
        }

        @Override
        public String toString() {
            return status + " " + headers.getOrDefault("content-type", "-") + " " + body;
        }
    }

    static final Response NONE = new Response(-1, Map.of(), "", false);

    private RawHttp() {}

    /** Sends {@code request} to loopback {@code port} and reads the answer within {@code timeoutMs}. */
    static Response exchange(int port, byte[] request, int timeoutMs) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(timeoutMs);
            try {
                OutputStream out = s.getOutputStream();
                out.write(request);
                out.flush();
                s.shutdownOutput(); // all sent: a server waiting for more bytes sees the end instead
            } catch (IOException e) {
                // the server answered and closed before taking everything: read what it said
            }
            boolean head = request.length >= 5 && new String(request, 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
            return read(s.getInputStream(), head);
        }
    }

    static Response exchange(int port, String request, int timeoutMs) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), timeoutMs);
    }

    /** Reads one final answer from {@code in}, skipping {@code 100 Continue}; none has a body after HEAD. */
    static Response read(InputStream in, boolean head) throws IOException {
        boolean sawContinue = false;
        try {
            while (true) {
                String statusLine = line(in);
                if (statusLine == null) {
                    return NONE;
                }
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                    return new Response(-2, Map.of(), statusLine, sawContinue);
                }
                int status = Integer.parseInt(parts[1]);
                Map<String, String> headers = new TreeMap<>();
                for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
                    int colon = h.indexOf(':');
                    if (colon > 0) {
                        headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
                    }
                }
                if (status >= 100 && status < 200) {
                    sawContinue |= status == 100;
                    continue;
                }
                return new Response(status, headers, head ? "" : body(in, headers), sawContinue);
            }
        } catch (SocketTimeoutException e) {
            return NONE;
        } catch (NumberFormatException e) {
            return new Response(-2, Map.of(), "unreadable answer: " + e.getMessage(), sawContinue);
        } catch (IOException e) {
            return NONE; // reset by the server
        }
    }

    private static String body(InputStream in, Map<String, String> headers) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String length = headers.get("content-length");
        if (length != null) {
            out.write(in.readNBytes((int) Math.min(Long.parseLong(length), 1 << 24)));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (String size; (size = line(in)) != null; ) {
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    break;
                }
                out.write(in.readNBytes(n));
                line(in);
            }
        } else {
            try {
                out.write(in.readAllBytes());
            } catch (IOException e) {
                // what came before the close is the body
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A CRLF- (or LF-) ended line in ISO-8859-1, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}

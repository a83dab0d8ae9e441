package dev.kvcap.serve;

import dev.kvcap.config.OptionException;
import java.util.regex.Pattern;

/**
 * How the caption service listens and how hard it may be pushed.
 *
 * @param host interface to bind; loopback by default so nothing is exposed unless asked
 * @param port TCP port; 0 picks any free one
 * @param maxBatch most requests captioned in one forward pass (1 = micro-batching off)
 * @param maxWaitMs how long the first request of a batch waits for company
 * @param queueCapacity requests waiting for the model before new ones get 503
 * @param maxBodyBytes largest request body; more is 413
 * @param timeoutMs a request not captioned within this gets 503
 * @param corsOrigin the one origin allowed cross-site, or null for no CORS headers at all
 * @param maxPixels largest width × height accepted, checked in the image header before decoding
 * @param maxBeam widest beam a client may ask for (beam search cost grows with it)
 * @param maxLen longest caption a client may ask for
 */
public record ServeConfig(
        String host,
        int port,
        int maxBatch,
        int maxWaitMs,
        int queueCapacity,
        long maxBodyBytes,
        int timeoutMs,
        String corsOrigin,
        long maxPixels,
        int maxBeam,
        int maxLen) {

    /** 25 megapixels: a 100 MB decoded raster; larger uploads are almost surely not photos. */
    public static final long DEFAULT_MAX_PIXELS = 25_000_000L;

    /** The {@code --cors} value that allows every origin. */
    public static final String ANY_ORIGIN = "*";

    /**
     * What the server's CORS rule takes ({@code allowHost}): a host or an IPv6 address in brackets,
     * optionally after {@code http://} or {@code https://} (https when left out), {@code *.} in
     * front for every subdomain, and a port.
     */
    private static final Pattern ORIGIN = Pattern.compile(
            "(?i:https?://)?(\\*\\.)?([A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*|\\[[0-9A-Fa-f:.]+])(:[0-9]{1,5})?");

    /** The command's defaults. */
    public static ServeConfig defaults() {
        return new ServeConfig(
                "127.0.0.1", 8080, 8, 5, 64, 10L << 20, 30_000, null, DEFAULT_MAX_PIXELS, 10, 50);
    }

    public ServeConfig validate() {
        require(port >= 0 && port <= 65535, "--port must be in 0..65535, got " + port);
        require(maxBatch >= 1, "--max-batch must be at least 1, got " + maxBatch);
        require(maxWaitMs >= 0, "--max-wait-ms must not be negative, got " + maxWaitMs);
        require(queueCapacity >= 1, "--queue must hold at least 1 request, got " + queueCapacity);
        require(maxBodyBytes >= 1, "--max-body-mb must be at least 1");
        require(timeoutMs >= 1, "--timeout-ms must be at least 1, got " + timeoutMs);
        require(maxPixels >= 1, "max pixels must be positive");
        require(maxBeam >= 1 && maxLen >= 1, "max beam and max length must be positive");
        require(corsOrigin == null || ANY_ORIGIN.equals(corsOrigin) || ORIGIN.matcher(corsOrigin).matches(),
                "--cors must be * or one origin: an optional http:// or https://, a host (*.example.com for its"
                        + " subdomains) and an optional port, such as https://example.com or http://localhost:3000 (no path), got '"
                        + corsOrigin + "'");
        return this;
    }

    public ServeConfig withPort(int p) {
        return new ServeConfig(host, p, maxBatch, maxWaitMs, queueCapacity, maxBodyBytes, timeoutMs, corsOrigin, maxPixels, maxBeam, maxLen);
    }

    public ServeConfig withBatching(int batch, int waitMs) {
        return new ServeConfig(host, port, batch, waitMs, queueCapacity, maxBodyBytes, timeoutMs, corsOrigin, maxPixels, maxBeam, maxLen);
    }

    public ServeConfig withLimits(int queue, long bodyBytes, int timeout) {
        return new ServeConfig(host, port, maxBatch, maxWaitMs, queue, bodyBytes, timeout, corsOrigin, maxPixels, maxBeam, maxLen);
    }

    public ServeConfig withCors(String origin) {
        return new ServeConfig(host, port, maxBatch, maxWaitMs, queueCapacity, maxBodyBytes, timeoutMs, origin, maxPixels, maxBeam, maxLen);
    }

    public ServeConfig withHost(String h) {
        return new ServeConfig(h, port, maxBatch, maxWaitMs, queueCapacity, maxBodyBytes, timeoutMs, corsOrigin, maxPixels, maxBeam, maxLen);
    }

    /** A bad setting here is one of {@code serve}'s options (the limits it has no option for are fixed): exit 2. */
    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new OptionException(message);
        }
    }
}

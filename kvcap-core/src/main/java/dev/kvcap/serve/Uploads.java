package dev.kvcap.serve;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.MultiPart;

/**
 * Reads the uploaded image out of a request: the raw body, or the multipart field {@code image}.
 * Never more than the size limit is held in memory; a declared length over the limit is refused
 * before the body is touched.
 */
final class Uploads {

    static final String FIELD = "image";

    /** Request attribute set once the body has been read to its end. */
    static final String READ_TO_END = "dev.kvcap.serve.bodyReadToEnd";

    /** RFC 2046 §5.1.1: a boundary is 1 to 70 characters. */
    static final int MAX_BOUNDARY = 70;

    private Uploads() {}

    /**
     * @throws ApiException 413 over {@code maxBytes}, 400 for an empty or malformed body
     */
    static byte[] read(Context ctx, long maxBytes) {
        if (ctx.req().getContentLengthLong() > maxBytes) {
            throw tooLarge(ctx, maxBytes);
        }
        if (ctx.isMultipartFormData()) {
            InputStream part = part(ctx, maxBytes);
            ctx.req().setAttribute(READ_TO_END, true); // Jetty parsed it all
            return nonEmpty(readAtMost(ctx, part, maxBytes));
        }
        byte[] body = readAtMost(ctx, ctx.bodyInputStream(), maxBytes);
        ctx.req().setAttribute(READ_TO_END, true);
        return nonEmpty(body);
    }

    /** The {@code image} part's content; Jetty parses the body. */
    private static InputStream part(Context ctx, long maxBytes) {
        String boundary;
        try {
            boundary = MultiPart.extractBoundary(ctx.contentType());
        } catch (IllegalArgumentException e) { // an unterminated quote
            throw new ApiException(400, "malformed multipart body: the Content-Type's parameters do not parse");
        }
        if (boundary == null || boundary.isEmpty()) {
            throw new ApiException(400, "malformed multipart body: the Content-Type has no boundary parameter");
        }
        if (boundary.length() > MAX_BOUNDARY) {
            throw new ApiException(400, "malformed multipart body: the boundary is longer than " + MAX_BOUNDARY + " characters");
        }
        UploadedFile file;
        try {
            file = ctx.uploadedFile(FIELD);
        } catch (Exception e) { // Jetty's ServletException and IOException arrive through Kotlin undeclared
            throw multipartError(e, maxBytes);
        }
        if (file == null) {
            throw new ApiException(400, "multipart body has no file field '" + FIELD + "'");
        }
        if (file.size() > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return file.content();
    }

    /**
     * What a multipart body Jetty could not parse gets: 413 when a size limit stopped it, else 400
     * with the reason (Jetty wraps its own 400 in a ServletException, which is not a server error).
     */
    static ApiException multipartError(Throwable e, long maxBytes) {
        String reason = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String msg = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof HttpException h && h.getCode() == 413
                    || msg.contains("exceed") || msg.contains("too large") || msg.contains("max file size")) {
                return tooLarge(maxBytes);
            }
            if (t instanceof EOFException) {
                reason = "the body ends before the closing boundary";
            } else if (reason == null && msg.contains("too many")) {
                reason = "too many parts";
            }
        }
        return new ApiException(400, "malformed multipart body" + (reason == null ? "" : ": " + reason));
    }

    private static byte[] nonEmpty(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(
                    400, "empty body: send the image as the body or as the multipart field '" + FIELD + "'");
        }
        return body;
    }

    private static byte[] readAtMost(Context ctx, InputStream in, long maxBytes) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) != -1; ) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge(ctx, maxBytes);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ApiException(400, "could not read the request body");
        }
    }

    /**
     * The 413 for a body over the limit, answered at once. A client that sent {@code Expect:
     * 100-continue} has sent no body yet and gets none asked for: the body is not touched, so Jetty
     * sends no {@code 100 Continue}. A client already sending gets the answer first, then up to
     * {@link #DRAIN_BYTES} of the rest are read and dropped: a server that closes on a client still
     * writing makes it see "connection reset" or "broken pipe" instead of the answer (seen in CI
     * with a chunked body 44 KB over the limit, and under load with a multipart body that declared
     * its length: 23 of 600 such answers lost). A larger body is cut off. The connection closes
     * after either.
     */
    private static ApiException tooLarge(Context ctx, long maxBytes) {
        ApiException e = tooLarge(maxBytes);
        HttpServletRequest req = ctx.req();
        HttpServletResponse res = ctx.res();
        if (!res.isCommitted()) {
            res.setHeader("Connection", "close");
        }
        if (!"100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
            JsonErrors.write(res, 413, e.getMessage());
            try {
                res.flushBuffer();
                drain(req.getInputStream());
            } catch (IOException | RuntimeException gone) {
                // the client gave up: the 413 goes nowhere anyway
            }
        }
        return e; // JsonErrors.write leaves an answer already sent as it is
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = DRAIN_BYTES;
        for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) != -1; ) {
            left -= n;
        }
    }

    /** Most bytes read and dropped after a body went over the limit. */
    static final long DRAIN_BYTES = 8L << 20;

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "body larger than the limit of " + maxBytes + " bytes");
    }
}

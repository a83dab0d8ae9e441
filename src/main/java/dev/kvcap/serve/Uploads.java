package dev.kvcap.serve;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reads the uploaded image out of a request: the raw body, or the multipart field {@code image}.
 * Never more than the size limit is held in memory; the declared length is checked before reading.
 */
final class Uploads {

    static final String FIELD = "image";

    private Uploads() {}

    /**
     * @throws ApiException 413 over {@code maxBytes}, 400 for an empty or malformed body
     */
    static byte[] read(Context ctx, long maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(ctx.bodyInputStream(), maxBytes);
        }
        if (ctx.isMultipartFormData()) {
            UploadedFile file;
            try {
                file = ctx.uploadedFile(FIELD);
            } catch (RuntimeException e) {
                String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                if (msg.contains("size") || msg.contains("exceed") || msg.contains("too large")) {
                    throw tooLarge(maxBytes);
                }
                throw new ApiException(400, "malformed multipart body");
            }
            if (file == null) {
                throw new ApiException(400, "multipart body has no file field '" + FIELD + "'");
            }
            if (file.size() > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return nonEmpty(readAtMost(file.content(), maxBytes));
        }
        return nonEmpty(readAtMost(ctx.bodyInputStream(), maxBytes));
    }

    private static byte[] nonEmpty(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(
                    400, "empty body: send the image as the body or as the multipart field '" + FIELD + "'");
        }
        return body;
    }

    private static byte[] readAtMost(InputStream in, long maxBytes) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) != -1; ) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge(in, maxBytes);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ApiException(400, "could not read the request body");
        }
    }

    /**
     * The 413 for a body over the limit, after reading and dropping what the client is still
     * sending, up to {@link #DRAIN_BYTES}: a server that answers before the body is in and then
     * closes makes a client still writing see "connection reset" or "broken pipe" instead of the
     * answer (seen in CI with a chunked body 44 KB over the limit, and under load with a multipart
     * body that declared its length: 23 of 600 such answers lost). A larger body is cut off.
     */
    private static ApiException tooLarge(InputStream in, long maxBytes) {
        byte[] buf = new byte[64 * 1024];
        long left = DRAIN_BYTES;
        try {
            for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) != -1; ) {
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            // the client gave up: the 413 goes nowhere anyway
        }
        return tooLarge(maxBytes);
    }

    /** Most bytes read and dropped after a body went over the limit. */
    static final long DRAIN_BYTES = 8L << 20;

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "body larger than the limit of " + maxBytes + " bytes");
    }
}

package dev.kvcap.serve;

import com.google.gson.JsonObject;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's one error shape, {@code {"error":"<one line>","status":N}}, and the wiring that
 * gives it on every path: an {@link ApiException} or Javalin's own refusals from a handler; any
 * other exception or {@link Error} in a handler (500 {@code "internal error"}, the stack trace in
 * the log only); routes and methods that do not exist (404, 405); and what Jetty answers before
 * Javalin sees the request (a bad request line or URI, 414, 431, 505, bad framing), through
 * {@link JettyErrors}.
 */
final class JsonErrors {

    private static final Logger LOG = LoggerFactory.getLogger(JsonErrors.class);

    /** Longest message sent; Jetty's reasons and ours are far shorter, a client's echo may not be. */
    static final int MAX_MESSAGE = 300;

    /** Request attribute: a handler answered with its own {@link ApiException}. */
    private static final String OWN_ANSWER = "dev.kvcap.serve.ownAnswer";

    private JsonErrors() {}

    /** Answers every error of the app that {@code c} configures in the JSON shape. */
    static void install(JavalinConfig c, ServeMetrics metrics) {
        c.routes.exception(ApiException.class, (e, ctx) -> {
            ctx.attribute(OWN_ANSWER, true);
            if (e.retryAfterSeconds() > 0 && !ctx.res().isCommitted()) {
                ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
            }
            write(ctx, e.status(), e.getMessage());
        });
        c.routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e.getStatus(), e.getMessage()));
        c.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            write(ctx, 500, "internal error");
        });
        c.router.javaLangErrorHandler((res, e) -> {
            LOG.error("a request failed", e);
            write(res, 500, "internal error");
        });
        // Javalin calls these for every 404/405, also after a handler's own answer: keep that one
        c.routes.error(404, ctx -> {
            if (ctx.attribute(OWN_ANSWER) == null) {
                write(ctx, 404, "no such route: " + ctx.method() + " " + ctx.path());
            }
        });
        c.routes.error(405, ctx -> {
            if (ctx.attribute(OWN_ANSWER) == null) {
                write(ctx, 405, "method " + ctx.method() + " not allowed here");
            }
        });
        c.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors.Server(metrics)));
        c.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JettyErrors.Servlet()));
    }

    /**
     * Answers {@code status} with {@code message}, unless an answer already went out (a 413 sent
     * before the rest of the body was read and dropped): then nothing changes.
     */
    static void write(Context ctx, int status, String message) {
        if (ctx.res().isCommitted()) {
            return;
        }
        if (unreadBody(ctx.req())) {
            // Jetty will not keep a connection whose request body went unread (a refusal before the
            // upload was read, a multipart body that did not parse): say so, or a client reusing it
            // sends its next request into a closed socket
            ctx.header("Connection", "close");
        }
        ctx.status(status).contentType("application/json").result(body(status, message));
    }

    /**
     * Whether the request has a body not read to its end ({@link Uploads} marks the ones it read).
     * Asking the input stream instead would make Jetty send {@code 100 Continue} to a client that
     * is waiting for it, inviting the body this answer refuses.
     */
    static boolean unreadBody(HttpServletRequest req) {
        boolean chunked = "chunked".equalsIgnoreCase(req.getHeader("Transfer-Encoding"));
        return (req.getContentLengthLong() > 0 || chunked) && req.getAttribute(Uploads.READ_TO_END) == null;
    }

    /** The same on the servlet response, where Javalin gives no context. */
    static void write(HttpServletResponse res, int status, String message) {
        if (res.isCommitted()) {
            return;
        }
        try {
            res.resetBuffer();
            res.setStatus(status);
            res.setContentType("application/json");
            byte[] b = body(status, message);
            res.setContentLength(b.length);
            res.getOutputStream().write(b);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not send the error answer", e);
        }
    }

    /** {@code {"error":"<one line>","status":N}} in UTF-8. */
    static byte[] body(int status, String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", oneLine(message));
        o.addProperty("status", status);
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code message} on one line of printable characters, at most {@link #MAX_MESSAGE} long. */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "error";
        }
        String s = message.replaceAll("[\\p{Cntrl}\\s]+", " ").trim();
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE - 1) + "…";
    }
}

package dev.kvcap.serve;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's error pages in the service's JSON shape instead of HTML. Jetty answers some requests
 * itself before Javalin sees them: a request line, URI or header it cannot parse or will not take
 * (400, 414, 431, 505, a body with both Content-Length and Transfer-Encoding), and errors inside
 * the servlet layer. {@link Server} is the server's handler, {@link Servlet} the servlet
 * context's; both answer JSON whatever the request's {@code Accept} says, for every method.
 *
 * <p>The status and Jetty's one-line reason go out; a 500 says only {@code "internal error"} and
 * its stack trace goes to the log. Requests the server's handler answers never reach Javalin's
 * request log, so it counts them in {@code /metrics} (route {@code other}).
 */
final class JettyErrors {

    private static final Logger LOG = LoggerFactory.getLogger(JettyErrors.class);

    private JettyErrors() {}

    /** The server's error handler: requests that never reached the servlet context. */
    static final class Server extends ErrorHandler {
        private final ServeMetrics metrics;

        Server(ServeMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(
                Request request, Response response, int code, String message, Throwable cause, Callback callback)
                throws IOException {
            int status = answer(request, response, code, cause, metrics);
            generateAcceptableResponse(
                    request, response, callback, "application/json", List.of(StandardCharsets.UTF_8), status, message, cause);
        }

        @Override
        protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
            writer.write(json(code, message, cause));
        }
    }

    /**
     * The servlet context's error handler: errors raised between Jetty's servlet layer and Javalin
     * (a servlet {@code sendError}). Javalin's request log has counted these already.
     */
    static final class Servlet extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(
                Request request, Response response, int code, String message, Throwable cause, Callback callback)
                throws IOException {
            int status = answer(request, response, code, cause, null); // Javalin's request log counted it
            generateAcceptableResponse(
                    request, response, callback, "application/json", List.of(StandardCharsets.UTF_8), status, message, cause);
        }

        @Override
        protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
            writer.write(json(code, message, cause));
        }
    }

    /** An error status: the exception's own when it carries one, 500 for anything not 4xx/5xx. */
    static int status(int code, Throwable cause) {
        if (cause instanceof HttpException h) {
            code = h.getCode();
        }
        return code >= 400 && code <= 599 ? code : 500;
    }

    /**
     * The body: Jetty's reason for a client error, {@code "internal error"} for a 500, the standard
     * reason phrase when Jetty's message is only an exception's {@code toString()}.
     */
    static String json(int code, String message, Throwable cause) {
        String m;
        if (code == 500) {
            m = "internal error";
        } else if (cause instanceof HttpException h && h.getReason() != null) {
            m = h.getReason();
        } else if (message == null || cause != null && message.equals(cause.toString()) || message.contains("Exception")) {
            m = HttpStatus.getMessage(code);
        } else {
            m = message;
        }
        return new String(JsonErrors.body(code, m), StandardCharsets.UTF_8);
    }

    /**
     * What both handlers do before writing the JSON: sets the response's status ({@link #status}),
     * logs it, and counts it in {@code metrics} when given. Returns the status.
     */
    private static int answer(Request request, Response response, int code, Throwable cause, ServeMetrics metrics) {
        int status = status(code, cause);
        response.setStatus(status);
        log(request, status, cause);
        count(metrics, request, status);
        return status;
    }

    private static void log(Request request, int status, Throwable cause) {
        if (status == 500) {
            LOG.error("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), cause);
        } else {
            LOG.debug("{} {}: {}", request.getMethod(), status, cause == null ? "" : cause.toString());
        }
    }

    private static void count(ServeMetrics metrics, Request request, int status) {
        if (metrics == null) {
            return;
        }
        long nanos = Math.max(0, System.nanoTime() - request.getBeginNanoTime());
        metrics.request(String.valueOf(request.getMethod()), "other", status, nanos);
    }
}

package dev.kvcap.serve;

/**
 * A request the service answers with an error status and a one-line message (never a stack
 * trace). {@code retryAfterSeconds > 0} adds a {@code Retry-After} header.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int retryAfterSeconds;

    ApiException(int status, String message) {
        this(status, message, 0);
    }

    ApiException(int status, String message, int retryAfterSeconds) {
        super(message.replaceAll("\\s+", " ").trim(), null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int status() {
        return status;
    }

    int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static ApiException overloaded(String message) {
        return new ApiException(503, message, 1);
    }
}

package dev.kvcap.eval;

/**
 * An unexpected failure inside the metrics (a bug, not a bad input: those are {@link
 * MetricsInputException}), with the image and caption it happened on, so that it can be reported
 * and reproduced. The cause is the original exception.
 */
public final class ScoringException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ScoringException(String where, Throwable cause) {
    super(where, cause);
  }

  /** {@code caption} shortened to its last 40 characters, quoted, for a one-line message. */
  static String quoted(String caption) {
    String c = caption.replaceAll("\\s+", " ").strip();
    return "\"" + (c.length() > 40 ? "…" + c.substring(c.length() - 40) : c) + "\"";
  }
}

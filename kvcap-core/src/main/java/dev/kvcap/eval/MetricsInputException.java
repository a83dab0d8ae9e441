package dev.kvcap.eval;

/** Captions or files that cannot be scored; the message is one line, fit for a user. */
public final class MetricsInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MetricsInputException(String message) {
    super(message);
  }
}

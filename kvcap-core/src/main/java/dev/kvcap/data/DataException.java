package dev.kvcap.data;

/**
 * A data set cannot be read as given: missing file, malformed JSON, missing field, inconsistent
 * ids. The message is one line that names the file and says what to fix, so the command line can
 * print it as the reason for a non-zero exit.
 */
public class DataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.kvcap.bank;

/**
 * The memory bank cannot be used as asked: built for another model or key width, locked by
 * another writer, missing, or damaged. The message is one line that says what to do, so the
 * command line can print it as the reason for a non-zero exit.
 */
public class BankException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BankException(String message) {
        super(message);
    }

    public BankException(String message, Throwable cause) {
        super(message, cause);
    }
}

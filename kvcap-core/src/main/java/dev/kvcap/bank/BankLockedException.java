package dev.kvcap.bank;

/** The bank is open for writing by another process; it can still be opened read-only. */
public final class BankLockedException extends BankException {

    private static final long serialVersionUID = 1L;

    BankLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}

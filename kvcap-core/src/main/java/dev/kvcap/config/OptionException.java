package dev.kvcap.config;

/**
 * A setting the user gave is out of range or does not fit the others: the command line (or the
 * config file it names) has to change. The CLI prints the message and exits 2, as for an option
 * picocli itself refuses; any other {@link IllegalArgumentException} of kvcap's exits 1.
 */
public final class OptionException extends IllegalArgumentException {

    public OptionException(String message) {
        super(message);
    }
}

package dev.kvcap.data;

import java.nio.file.Path;

/**
 * An image file cannot be used: missing, empty, not an image, corrupt, truncated, or too large. The
 * message is one line, {@code "<file>: <reason>"}. Unchecked, as a {@link DataException}, so that a
 * command fails with that line; {@link ImageCache} catches it to skip and count the image.
 */
public class ImageDecodeException extends DataException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public ImageDecodeException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    public ImageDecodeException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
    }

    /** The file that failed. */
    public Path file() {
        return file;
    }
}

package dev.kvcap.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One image and its raw (untokenized) reference captions.
 *
 * @param imageId the data set's id for the image (MSCOCO {@code id}; what results JSON calls {@code
 *     image_id})
 * @param file where the image file is expected; it is not checked to exist
 * @param captions reference captions in file order; empty for an image without annotations
 */
public record CaptionedImage(long imageId, Path file, List<String> captions) {

    public CaptionedImage {
        Objects.requireNonNull(file, "file");
        captions = List.copyOf(captions);
    }

    /** True if the image has at least one reference caption. */
    public boolean hasCaptions() {
        return !captions.isEmpty();
    }
}

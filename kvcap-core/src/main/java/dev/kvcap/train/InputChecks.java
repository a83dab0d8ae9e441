package dev.kvcap.train;

import dev.kvcap.data.CaptionSet;

/**
 * Checks of a run's data made before its first epoch, so that unusable input fails at once rather
 * than after an epoch of training (an empty validation set used to surface only when the first
 * epoch ended, and that epoch was lost).
 */
public final class InputChecks {

    private InputChecks() {}

    /**
     * Throws a one-line {@link IllegalArgumentException} when {@code set} has no image with a
     * caption; {@code what} names it ("training", "validation") and {@code options} where it came
     * from. Cheap: it looks at the annotations only, before any image is decoded.
     */
    public static void requireCaptioned(CaptionSet set, String what, String options) {
        if (set != null && set.withCaptions().size() == 0) {
            throw new IllegalArgumentException(
                    "the " + what + " set (" + set.name() + ") has no usable images: "
                            + (set.size() == 0 ? "it lists no images" : "none of its " + set.size() + " images has a caption")
                            + "; check " + options);
        }
    }

    /**
     * Throws when {@code val} was given but none of its images is usable: {@code usable} is how many
     * are left once the images that fail to decode or whose captions are empty are dropped.
     */
    static void requireUsableValidation(CaptionSet val, int usable) {
        if (val == null || usable > 0) {
            return;
        }
        requireCaptioned(val, "validation", "--val-captions");
        int captioned = val.withCaptions().size();
        throw new IllegalArgumentException(
                "the validation set (" + val.name() + ") has no usable images: none of its " + captioned
                        + " captioned images could be decoded (or their captions are empty); check --val-images"
                        + " (the validation images' folder), or leave validation out");
    }
}

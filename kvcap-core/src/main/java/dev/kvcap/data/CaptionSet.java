package dev.kvcap.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named list of captioned images, e.g. one split of a data set.
 *
 * @param name a label for logs ("train", "val", the annotation file name)
 * @param images images in file order
 */
public record CaptionSet(String name, List<CaptionedImage> images) {

    public CaptionSet {
        Objects.requireNonNull(name, "name");
        images = List.copyOf(images);
    }

    /** Loads an MSCOCO captions file; see {@link CocoCaptions#load}. */
    public static CaptionSet coco(Path annotationJson, Path imageDir) {
        return new CaptionSet(
                annotationJson.getFileName().toString(),
                CocoCaptions.load(annotationJson, imageDir));
    }

    /** Loads one split of a Karpathy file; see {@link KarpathySplits#load}. */
    public static CaptionSet karpathy(Path datasetJson, Path imageRoot, String split) {
        return new CaptionSet(split, KarpathySplits.load(datasetJson, imageRoot, split));
    }

    public int size() {
        return images.size();
    }

    /** Every raw caption of every image, in order. */
    public List<String> allCaptions() {
        List<String> out = new ArrayList<>();
        for (CaptionedImage image : images) {
            out.addAll(image.captions());
        }
        return out;
    }

    /**
     * Every caption through {@link CaptionTokenizer#tokenize}, in order; input to {@link
     * Vocabulary#build}.
     */
    public List<List<String>> tokenizedCaptions() {
        List<List<String>> out = new ArrayList<>();
        for (String caption : allCaptions()) {
            out.add(CaptionTokenizer.tokenize(caption));
        }
        return out;
    }

    /** The images that have at least one caption: what training uses. */
    public CaptionSet withCaptions() {
        return new CaptionSet(name, images.stream().filter(CaptionedImage::hasCaptions).toList());
    }

    /** The first {@code n} images (all if fewer); for {@code --limit} smoke runs. */
    public CaptionSet limit(int n) {
        return new CaptionSet(name, images.subList(0, Math.min(Math.max(n, 0), images.size())));
    }
}

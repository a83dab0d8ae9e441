package dev.kvcap.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kvcap.eval.CocoFields;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads Karpathy split files ({@code dataset_coco.json}, {@code dataset_flickr8k.json}, {@code
 * dataset_flickr30k.json}): {@code {"images":[{"filename","filepath"?,"split",
 * "sentences":[{"raw","tokens"}],"cocoid"?,"imgid"?}]}}.
 *
 * <ul>
 *   <li>The image file is {@code imageRoot/filepath/filename}, or {@code imageRoot/filename} when
 *       {@code filepath} is absent (Flickr files).
 *   <li>Split {@code "train"} also returns the {@code "restval"} images: that is how the Karpathy
 *       COCO split is used in the literature (113k training images); ask for {@code "restval"} to
 *       get those alone.
 *   <li>The image id is {@code cocoid} if present (so results match MSCOCO ids), else {@code
 *       imgid}, else the image's index in the file.
 *   <li>A caption is the sentence's {@code raw} text, or its {@code tokens} joined by spaces.
 *   <li>Ids, captions and file names follow the rule of every kvcap reader of COCO files ({@link
 *       CocoFields}): an id is an integer JSON number, a caption a JSON string.
 * </ul>
 */
public final class KarpathySplits {

    private KarpathySplits() {}

    /** Loads the images of {@code split}; a split with no images is a {@link DataException}. */
    public static List<CaptionedImage> load(Path datasetJson, Path imageRoot, String split) {
        JsonObject root = JsonFiles.object(JsonFiles.read(datasetJson), datasetJson, "top level");
        JsonArray images = JsonFiles.array(root, "images", datasetJson, "top level");
        List<CaptionedImage> out = new ArrayList<>();
        TreeSet<String> seenSplits = new TreeSet<>();
        Function<String, DataException> error = CocoCaptions.error(datasetJson);
        for (int i = 0; i < images.size(); i++) {
            String where = "images[" + i + "]";
            JsonObject image = JsonFiles.object(images.get(i), datasetJson, where);
            String imageSplit = JsonFiles.string(image, "split", datasetJson, where);
            seenSplits.add(imageSplit);
            if (!wanted(split, imageSplit)) {
                continue;
            }
            String filename = CocoFields.fileName(image.get("filename"), where + ".filename", error);
            Path file =
                    JsonFiles.has(image, "filepath")
                            ? imageRoot
                                    .resolve(CocoFields.fileName(image.get("filepath"), where + ".filepath", error))
                                    .resolve(filename)
                            : imageRoot.resolve(filename);
            long id;
            if (JsonFiles.has(image, "cocoid")) {
                id = CocoFields.imageId(image.get("cocoid"), where + ".cocoid", error);
            } else if (JsonFiles.has(image, "imgid")) {
                id = CocoFields.imageId(image.get("imgid"), where + ".imgid", error);
            } else {
                id = i;
            }
            out.add(new CaptionedImage(id, file, captions(image, datasetJson, where)));
        }
        if (out.isEmpty()) {
            throw new DataException(
                    datasetJson
                            + ": no images in split \""
                            + split
                            + "\"; the file has splits "
                            + seenSplits);
        }
        return out;
    }

    private static boolean wanted(String requested, String imageSplit) {
        return imageSplit.equals(requested)
                || (requested.equals("train") && imageSplit.equals("restval"));
    }

    private static List<String> captions(JsonObject image, Path file, String where) {
        List<String> out = new ArrayList<>();
        if (!JsonFiles.has(image, "sentences")) {
            return out;
        }
        JsonArray sentences = JsonFiles.array(image, "sentences", file, where);
        for (int j = 0; j < sentences.size(); j++) {
            String w = where + ".sentences[" + j + "]";
            JsonObject s = JsonFiles.object(sentences.get(j), file, w);
            if (JsonFiles.has(s, "raw")) {
                out.add(CocoFields.caption(s.get("raw"), w + ".raw", CocoCaptions.error(file)));
            } else if (JsonFiles.has(s, "tokens") && s.get("tokens").isJsonArray()) {
                List<String> tokens = new ArrayList<>();
                JsonArray words = s.getAsJsonArray("tokens");
                for (int k = 0; k < words.size(); k++) {
                    tokens.add(CocoFields.caption(words.get(k), w + ".tokens[" + k + "]", CocoCaptions.error(file)));
                }
                out.add(String.join(" ", tokens));
            } else {
                throw new DataException(
                        file + ": " + w + " needs a \"raw\" string or a \"tokens\" array");
            }
        }
        return out;
    }
}

package dev.kvcap.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.kvcap.eval.CocoFields;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads and writes MSCOCO captions files: {@code {"images":[{"id","file_name","width","height"}],
 * "annotations":[{"id","image_id","caption"}]}}.
 *
 * <p>Images without any annotation are kept, with no captions: evaluation needs their ids, and
 * training skips them ({@link CaptionSet#withCaptions()}). An annotation whose {@code image_id}
 * names no image is an error, as are duplicate image ids and missing fields. Ids, captions and file
 * names follow the rule every kvcap reader of COCO files applies ({@link CocoFields}: an id is an
 * integer JSON number, a caption a JSON string). Every error is a {@link DataException} with a
 * one-line message naming the file.
 */
public final class CocoCaptions {

    private CocoCaptions() {}

    /**
     * Loads {@code annotationJson}; image files are {@code imageDir.resolve(file_name)} (not
     * checked to exist). Images are returned in file order, captions in annotation order.
     */
    public static List<CaptionedImage> load(Path annotationJson, Path imageDir) {
        JsonObject root =
                JsonFiles.object(JsonFiles.read(annotationJson), annotationJson, "top level");
        JsonArray images = JsonFiles.array(root, "images", annotationJson, "top level");
        JsonArray annotations = JsonFiles.array(root, "annotations", annotationJson, "top level");

        Map<Long, Path> files = new LinkedHashMap<>();
        Map<Long, List<String>> captions = new LinkedHashMap<>();
        for (int i = 0; i < images.size(); i++) {
            String where = "images[" + i + "]";
            JsonObject image = JsonFiles.object(images.get(i), annotationJson, where);
            long id = CocoFields.imageId(image.get("id"), where + ".id", error(annotationJson));
            String fileName = CocoFields.fileName(image.get("file_name"), where + ".file_name", error(annotationJson));
            if (files.put(id, imageDir.resolve(fileName)) != null) {
                throw new DataException(
                        annotationJson
                                + ": "
                                + where
                                + " repeats image id "
                                + id
                                + "; image ids must be unique");
            }
            captions.put(id, new ArrayList<>());
        }
        for (int i = 0; i < annotations.size(); i++) {
            String where = "annotations[" + i + "]";
            JsonObject ann = JsonFiles.object(annotations.get(i), annotationJson, where);
            long imageId = CocoFields.imageId(ann.get("image_id"), where + ".image_id", error(annotationJson));
            String caption = CocoFields.caption(ann.get("caption"), where + ".caption", error(annotationJson));
            List<String> list = captions.get(imageId);
            if (list == null) {
                throw new DataException(
                        annotationJson
                                + ": "
                                + where
                                + " refers to image_id "
                                + imageId
                                + ", which is not listed in \"images\"; add the image or drop the"
                                + " annotation");
            }
            list.add(caption);
        }
        List<CaptionedImage> out = new ArrayList<>(files.size());
        for (Map.Entry<Long, Path> e : files.entrySet()) {
            out.add(new CaptionedImage(e.getKey(), e.getValue(), captions.get(e.getKey())));
        }
        return out;
    }

    /** A {@link DataException} naming {@code file}, for {@link CocoFields}' checks. */
    static Function<String, DataException> error(Path file) {
        return message -> new DataException(file + ": " + message);
    }

    /**
     * Writes {@code images} as an MSCOCO captions file, atomically. {@code file_name} is the image
     * path relative to {@code imageDir} (with {@code /} separators); width and height are written
     * when positive. Annotation ids count up from {@code firstAnnotationId}, so callers writing
     * several splits can keep them unique across files.
     *
     * @return the next free annotation id
     */
    public static long write(
            Path annotationJson,
            List<CaptionedImage> images,
            Path imageDir,
            int width,
            int height,
            long firstAnnotationId)
            throws IOException {
        JsonArray jsonImages = new JsonArray();
        JsonArray jsonAnnotations = new JsonArray();
        long annId = firstAnnotationId;
        Path base = imageDir.toAbsolutePath().normalize();
        for (CaptionedImage image : images) {
            JsonObject o = new JsonObject();
            o.addProperty("id", image.imageId());
            Path file = image.file().toAbsolutePath().normalize();
            String name =
                    file.startsWith(base) ? base.relativize(file).toString() : file.toString();
            o.addProperty("file_name", name.replace('\\', '/'));
            if (width > 0 && height > 0) {
                o.addProperty("width", width);
                o.addProperty("height", height);
            }
            jsonImages.add(o);
            for (String caption : image.captions()) {
                JsonObject a = new JsonObject();
                a.addProperty("id", annId++);
                a.addProperty("image_id", image.imageId());
                a.addProperty("caption", caption);
                jsonAnnotations.add(a);
            }
        }
        JsonObject root = new JsonObject();
        root.add("images", jsonImages);
        root.add("annotations", jsonAnnotations);
        AtomicFiles.write(annotationJson, JsonFiles.GSON.toJson((JsonElement) root));
        return annId;
    }

    /** {@link #write(Path, List, Path, int, int, long)} without sizes, annotation ids from 1. */
    public static void write(Path annotationJson, List<CaptionedImage> images, Path imageDir)
            throws IOException {
        write(annotationJson, images, imageDir, 0, 0, 1);
    }
}

package dev.kvcap.spark;

import dev.kvcap.data.ImageDecodeException;
import dev.kvcap.data.ImageLoader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * How one column holds an image, and reading it from a row. Three kinds:
 *
 * <ul>
 *   <li>{@link Kind#PATH}: a string, a path or URI any executor can open through Hadoop's file
 *       systems ({@code file:}, {@code hdfs:}, {@code s3a:}, … as configured on the cluster);
 *   <li>{@link Kind#BYTES}: the encoded file (JPEG, PNG, …), e.g. the {@code content} column of
 *       Spark's {@code binaryFile} source;
 *   <li>{@link Kind#IMAGE_STRUCT}: the struct of Spark's {@code image} source (origin, height,
 *       width, nChannels, mode, data: decoded pixels, BGR(A) or grey, row-major).
 * </ul>
 */
final class ImageColumn implements Serializable {

    private static final long serialVersionUID = 1L;

    enum Kind { PATH, BYTES, IMAGE_STRUCT }

    final Kind kind;
    private final int index;
    private final int nameIndex; // a "path" column to name BYTES images by; -1 when there is none

    private ImageColumn(Kind kind, int index, int nameIndex) {
        this.kind = kind;
        this.index = index;
        this.nameIndex = nameIndex;
    }

    /** The column {@code name} of {@code schema}; one-line errors for a missing or unusable one. */
    static ImageColumn of(StructType schema, String name) {
        if (!java.util.Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("no column '" + name + "' to read images from (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        int index = schema.fieldIndex(name);
        DataType type = schema.fields()[index].dataType();
        int pathIndex = -1;
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals("path") && schema.fields()[i].dataType() instanceof StringType) {
                pathIndex = i;
            }
        }
        if (type instanceof StringType) {
            return new ImageColumn(Kind.PATH, index, index);
        }
        if (type instanceof BinaryType) {
            return new ImageColumn(Kind.BYTES, index, pathIndex);
        }
        if (type instanceof StructType s && isImageStruct(s)) {
            return new ImageColumn(Kind.IMAGE_STRUCT, index, -1);
        }
        throw new IllegalArgumentException("column '" + name + "' is " + type.simpleString()
                + "; images are read from a string (a path), binary (the encoded file, as the binaryFile"
                + " source gives) or the image source's struct");
    }

    private static boolean isImageStruct(StructType s) {
        java.util.List<String> names = java.util.Arrays.asList(s.fieldNames());
        return names.containsAll(java.util.List.of("origin", "height", "width", "nChannels", "data"));
    }

    /** How messages and the output name this row's image: its path, or "row N". */
    String name(Row row, long rowNumber) {
        if (kind == Kind.IMAGE_STRUCT) {
            Row image = row.getStruct(index);
            if (image != null && !image.isNullAt(image.fieldIndex("origin"))) {
                return image.getString(image.fieldIndex("origin"));
            }
        } else if (nameIndex >= 0 && !row.isNullAt(nameIndex)) {
            return row.getString(nameIndex);
        }
        return "row " + rowNumber;
    }

    /**
     * The row's image, decoded to RGB.
     *
     * @throws ImageDecodeException when it is missing, unreadable or not a decodable image
     */
    BufferedImage read(Row row, String name, Configuration hadoop) {
        if (row.isNullAt(index)) {
            throw new ImageDecodeException(label(name), "no image (the column is null)");
        }
        return switch (kind) {
            case PATH -> ImageLoader.readRgb(readFile(row.getString(index), hadoop), name, ImageLoader.DEFAULT_MAX_PIXELS);
            case BYTES -> ImageLoader.readRgb((byte[]) row.get(index), name, ImageLoader.DEFAULT_MAX_PIXELS);
            case IMAGE_STRUCT -> fromStruct(row.getStruct(index), name);
        };
    }

    private static byte[] readFile(String path, Configuration hadoop) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path);
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            long length = fs.getFileStatus(file).getLen();
            if (length > Integer.MAX_VALUE - 8) {
                throw new ImageDecodeException(label(path), "file too large to be an image (" + length + " bytes)");
            }
            try (InputStream in = fs.open(file)) {
                return in.readAllBytes();
            }
        } catch (java.io.FileNotFoundException e) {
            throw new ImageDecodeException(label(path), "no such file");
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageDecodeException d) {
                throw d;
            }
            throw new ImageDecodeException(label(path), "cannot be read: " + e.getMessage());
        }
    }

    /** Spark's image struct (BGR, BGRA or grey bytes, row-major) as an RGB image. */
    private static BufferedImage fromStruct(Row image, String name) {
        int h = image.getInt(image.fieldIndex("height"));
        int w = image.getInt(image.fieldIndex("width"));
        int channels = image.getInt(image.fieldIndex("nChannels"));
        byte[] data = (byte[]) image.get(image.fieldIndex("data"));
        if (h <= 0 || w <= 0 || data == null || (channels != 1 && channels != 3 && channels != 4)
                || (long) h * w * channels != data.length) {
            // what the image source gives a file it could not decode (dropInvalid=false)
            throw new ImageDecodeException(label(name), "not a decodable image (the image source could not read it)");
        }
        if ((long) h * w > ImageLoader.DEFAULT_MAX_PIXELS) {
            throw new ImageDecodeException(label(name), "too large: " + w + "x" + h + " pixels");
        }
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i += channels) {
                int b = data[i] & 0xff;
                int g = channels == 1 ? b : data[i + 1] & 0xff;
                int r = channels == 1 ? b : data[i + 2] & 0xff;
                rgb.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return rgb;
    }

    private static Path label(String name) {
        try {
            return Path.of(name);
        } catch (java.nio.file.InvalidPathException e) {
            return Path.of("image");
        }
    }
}

package dev.kvcap.infer;

import dev.kvcap.data.AtomicFiles;
import dev.kvcap.data.ImageLoader;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;

/** Per-word attention heat-maps drawn over the image, written as PNG files. */
public final class Heatmaps {

    private static final int SIDE = 256;

    private Heatmaps() {}

    /**
     * The name each image's heat-maps start with ({@link #write}'s {@code stem}): its file name less
     * the extension ({@code img} for {@code a/img.png}); when two of {@code images} share that name
     * (ignoring case, as some file systems do), every image's is prefixed with its position in the
     * list, from 1 ({@code 1_img}, {@code 2_img}, {@code 3_cat}), so that no image's maps replace
     * another's.
     */
    public static List<String> stems(List<Path> images) {
        List<String> stems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean shared = false;
        for (Path image : images) {
            String stem = image.getFileName().toString().replaceAll("\\.[^.]*$", "");
            shared |= !seen.add(stem.toLowerCase(Locale.ROOT));
            stems.add(stem);
        }
        if (shared) {
            for (int i = 0; i < stems.size(); i++) {
                stems.set(i, (i + 1) + "_" + stems.get(i));
            }
        }
        return stems;
    }

    /**
     * Writes {@code <stem>_<NN>_<word>.png} for each word of {@code caption} into {@code dir}.
     *
     * @return the files written
     */
    public static List<Path> write(Path image, Captioner.Caption caption, Path dir, String stem)
            throws IOException {
        Files.createDirectories(dir);
        BufferedImage base = ImageLoader.readRgb(image);
        List<String> words = caption.words();
        List<float[]> maps = caption.best().attention();
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < words.size() && i < maps.size(); i++) {
            BufferedImage img = overlay(base, maps.get(i), caption.mapSize(), words.get(i));
            String safe = words.get(i).replaceAll("[^\\p{L}\\p{N}]+", "_");
            Path file = dir.resolve(String.format("%s_%02d_%s.png", stem, i + 1, safe));
            AtomicFiles.write(file, tmp -> ImageIO.write(img, "png", tmp.toFile()));
            written.add(file);
        }
        return written;
    }

    /** The image scaled to 256², a red heat layer whose opacity follows the map, and the word. */
    public static BufferedImage overlay(BufferedImage base, float[] map, int side, String word) {
        BufferedImage out = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(
                RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(base, 0, 0, SIDE, SIDE, null);
        float max = 1e-12f;
        for (float v : map) {
            max = Math.max(max, v);
        }
        BufferedImage heat = new BufferedImage(side, side, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int a = Math.round(200 * map[y * side + x] / max);
                heat.setRGB(x, y, (a << 24) | 0xFF2020);
            }
        }
        g.setComposite(AlphaComposite.SrcOver);
        g.drawImage(heat, 0, 0, SIDE, SIDE, null);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.setColor(Color.BLACK);
        g.drawString(word, 9, SIDE - 11);
        g.setColor(Color.WHITE);
        g.drawString(word, 8, SIDE - 12);
        g.dispose();
        return out;
    }
}

package dev.kvcap.serve;

import com.google.gson.JsonObject;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.Heatmaps;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;

/** The JSON answer of {@code POST /v1/captions}. */
final class CaptionJson {

    /** Side of the image kept for drawing heat-maps (the size {@link Heatmaps#overlay} draws). */
    static final int HEATMAP_SIDE = 256;

    private CaptionJson() {}

    /**
     * @param base the upload scaled to {@link #HEATMAP_SIDE}², or null for no heat-maps
     */
    static JsonObject of(
            Captioner.Caption c, BufferedImage base, DecodeConfig decode, String modelId) {
        List<float[]> maps = c.best().attention();
        JsonObject o =
                dev.kvcap.infer.CaptionJson.of(c, (i, word, t) -> {
                    if (base != null && i < maps.size()) {
                        BufferedImage map = Heatmaps.overlay(base, maps.get(i), c.mapSize(), word);
                        t.addProperty("heatmap", "data:image/png;base64," + png(map));
                    }
                });
        o.addProperty("beam", decode.beamSize());
        o.addProperty("max_len", decode.maxLen());
        o.addProperty("model", modelId);
        return o;
    }

    /** {@code image} squeezed to {@link #HEATMAP_SIDE}², so the full upload need not be kept. */
    static BufferedImage heatmapBase(BufferedImage image) {
        BufferedImage out = new BufferedImage(HEATMAP_SIDE, HEATMAP_SIDE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, HEATMAP_SIDE, HEATMAP_SIDE, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static String png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
            ImageIO.write(image, "png", out);
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

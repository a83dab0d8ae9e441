package dev.kvcap.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.Heatmaps;
import dev.kvcap.infer.Hypothesis;
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
        Hypothesis best = c.best();
        JsonObject o = new JsonObject();
        o.addProperty("caption", c.text());
        o.addProperty("log_prob", best.logProb());
        o.addProperty("score", best.score());
        o.addProperty("finished", best.finished());
        JsonArray tokens = new JsonArray();
        List<String> words = c.words();
        for (int i = 0; i < words.size(); i++) {
            JsonObject t = new JsonObject();
            t.addProperty("word", words.get(i));
            t.addProperty("log_prob", best.wordLogProbs().get(i));
            if (base != null && i < best.attention().size()) {
                BufferedImage map = Heatmaps.overlay(base, best.attention().get(i), c.mapSize(), words.get(i));
                t.addProperty("heatmap", "data:image/png;base64," + png(map));
            }
            tokens.add(t);
        }
        o.add("tokens", tokens);
        JsonArray alternatives = new JsonArray();
        for (Hypothesis h : c.hypotheses().subList(1, c.hypotheses().size())) {
            JsonObject a = new JsonObject();
            a.addProperty("caption", String.join(" ", c.words(h)));
            a.addProperty("log_prob", h.logProb());
            a.addProperty("score", h.score());
            a.addProperty("finished", h.finished());
            alternatives.add(a);
        }
        o.add("alternatives", alternatives);
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

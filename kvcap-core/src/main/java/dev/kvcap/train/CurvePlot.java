package dev.kvcap.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.data.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the training curves of {@code metrics.jsonl} into a PNG: losses on the left panel,
 * validation BLEU-4 and CIDEr-D on the right, by epoch.
 */
final class CurvePlot {

    private static final int W = 900;
    private static final int H = 360;
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)
    };

    private CurvePlot() {}

    static void write(Path jsonl, Path png) throws IOException {
        if (!Files.exists(jsonl)) {
            return;
        }
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (String line : Files.readAllLines(jsonl)) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            double epoch = o.get("epoch").getAsDouble();
            for (String key : List.of("train_loss", "val_loss", "val_Bleu_4", "val_CIDEr")) {
                if (o.has(key) && !o.get(key).isJsonNull()) {
                    series.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(new double[] {epoch, o.get(key).getAsDouble()});
                }
            }
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        panel(g, 0, "loss", series, List.of("train_loss", "val_loss"));
        panel(g, W / 2, "validation", series, List.of("val_Bleu_4", "val_CIDEr"));
        g.dispose();
        AtomicFiles.write(png, tmp -> ImageIO.write(img, "png", tmp.toFile()));
    }

    private static void panel(
            Graphics2D g, int x0, String title, Map<String, List<double[]>> series, List<String> keys) {
        int left = x0 + 50;
        int right = x0 + W / 2 - 20;
        int top = 30;
        int bottom = H - 40;
        double maxX = 1;
        double maxY = 1e-9;
        for (String k : keys) {
            for (double[] p : series.getOrDefault(k, List.of())) {
                maxX = Math.max(maxX, p[0]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        g.setColor(Color.BLACK);
        g.drawString(title + " by epoch", left, 18);
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        g.drawString(String.format("%.2f", maxY), x0 + 4, top + 4);
        g.drawString("0", x0 + 30, bottom);
        g.drawString(String.valueOf((int) maxX), right - 10, bottom + 15);
        int legend = 0;
        for (int s = 0; s < keys.size(); s++) {
            List<double[]> pts = series.getOrDefault(keys.get(s), List.of());
            if (pts.isEmpty()) {
                continue;
            }
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (double[] p : pts) {
                int x = left + (int) ((right - left) * (p[0] / maxX));
                int y = bottom - (int) ((bottom - top) * (p[1] / maxY));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 3, y - 3, 6, 6);
                px = x;
                py = y;
            }
            g.drawString(keys.get(s), right - 90, top + 15 * ++legend);
        }
        g.setStroke(new BasicStroke(1f));
    }
}

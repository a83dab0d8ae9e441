package dev.kvcap.data;

import dev.kvcap.data.SyntheticScene.Item;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.SplittableRandom;

/**
 * Paints a {@link SyntheticScene}: a light background with a random tint, anti-aliased shapes whose
 * colours vary by up to ±12 per channel, then ±6 uniform noise on every channel of every pixel, so
 * that images are never perfectly clean. Deterministic for a scene.
 */
final class SyntheticRenderer {

    private SyntheticRenderer() {}

    static BufferedImage render(SyntheticScene scene, int size) {
        SplittableRandom rng = new SplittableRandom(scene.noiseSeed());
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            int base = 215 + rng.nextInt(25);
            g.setColor(
                    new Color(
                            clamp(base + rng.nextInt(-8, 9)),
                            base,
                            clamp(base + rng.nextInt(-8, 9))));
            g.fillRect(0, 0, size, size);
            for (Item it : scene.items()) {
                g.setColor(jitter(it.colour().rgb, rng));
                g.fill(outline(it, size));
            }
        } finally {
            g.dispose();
        }
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            int v = px[i];
            int r = clamp((v >> 16 & 0xff) + rng.nextInt(-6, 7));
            int gr = clamp((v >> 8 & 0xff) + rng.nextInt(-6, 7));
            int b = clamp((v & 0xff) + rng.nextInt(-6, 7));
            px[i] = r << 16 | gr << 8 | b;
        }
        return img;
    }

    private static Color jitter(int rgb, SplittableRandom rng) {
        return new Color(
                clamp((rgb >> 16 & 0xff) + rng.nextInt(-12, 13)),
                clamp((rgb >> 8 & 0xff) + rng.nextInt(-12, 13)),
                clamp((rgb & 0xff) + rng.nextInt(-12, 13)));
    }

    private static java.awt.Shape outline(Item it, int size) {
        double r = it.size().radius * size;
        double x = it.x();
        double y = it.y();
        switch (it.kind()) {
            case CIRCLE:
                return new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r);
            case SQUARE:
                double h = 0.9 * r;
                return new Rectangle2D.Double(x - h, y - h, 2 * h, 2 * h);
            case TRIANGLE:
                return polygon(new double[] {x, y - r, x + r, y + 0.85 * r, x - r, y + 0.85 * r});
            case DIAMOND:
            default:
                double d = 1.1 * r;
                return polygon(new double[] {x, y - d, x + 0.8 * d, y, x, y + d, x - 0.8 * d, y});
        }
    }

    private static Path2D polygon(double[] xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        p.closePath();
        return p;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }
}

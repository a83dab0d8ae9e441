package dev.kvcap.cli;

import dev.kvcap.train.TrainEvent;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Renders training events on stderr: a redrawn progress bar on a terminal, plain lines (one per
 * epoch and every 30 s) otherwise.
 */
final class Progress implements Consumer<TrainEvent> {

    private final PrintStream err;
    private final boolean tty;
    private long lastDraw;

    Progress(PrintStream err) {
        this.err = err;
        this.tty = System.console() != null;
    }

    @Override
    public void accept(TrainEvent event) {
        long now = System.currentTimeMillis();
        if (event instanceof TrainEvent.Step s) {
            Activity.now("training (epoch " + s.epoch() + ", batch " + s.batch() + " of " + s.batches() + " done)");
        } else if (event instanceof TrainEvent.Epoch e) {
            Activity.now("training (epoch " + e.epoch() + " done)");
        } else if (event instanceof TrainEvent.Choosing c) {
            Activity.now("choosing decode.rerank (" + c.done() + " of " + c.total() + " validation images captioned every way)");
        } else if (event instanceof TrainEvent.Fitting f) {
            Activity.now("choosing decode.rerank (fitting: " + f.done() + " of at most " + f.total() + " training images captioned from their nearest other items)");
        }
        if (event instanceof TrainEvent.Info info) {
            endLine();
            err.println("kvcap: " + info.message());
        } else if (event instanceof TrainEvent.Preparing p) {
            count(String.format("decoding images %d/%d", p.done(), p.total()), p.done() == p.total(), now);
        } else if (event instanceof TrainEvent.Choosing c) {
            count(String.format("captioned %d/%d validation images every way", c.done(), c.total()), c.done() == c.total(), now);
        } else if (event instanceof TrainEvent.Fitting f) {
            count(String.format("fitting the choice: %d/%d training images", f.done(), f.total()), f.done() == f.total(), now);
        } else if (event instanceof TrainEvent.Step s) {
            boolean last = s.batch() == s.batches();
            if (tty && (now - lastDraw > 250 || last)) {
                err.printf(
                        "\repoch %d/%d %s %d/%d loss %.3f  %.0f img/s  ETA %s   ",
                        s.epoch(), s.epochs(), bar(s.batch(), s.batches()), s.batch(), s.batches(),
                        s.loss(), s.imagesPerSecond(), eta(s.etaSeconds()));
                lastDraw = now;
            } else if (!tty && now - lastDraw > 30_000) {
                err.printf(
                        "epoch %d/%d batch %d/%d loss %.3f %.0f img/s ETA %s%n",
                        s.epoch(), s.epochs(), s.batch(), s.batches(), s.loss(), s.imagesPerSecond(),
                        eta(s.etaSeconds()));
                lastDraw = now;
            }
        } else if (event instanceof TrainEvent.Epoch e) {
            endLine();
            err.println("epoch " + e.epoch() + ": " + format(e.figures()) + (e.best() ? "  (best)" : ""));
        }
        err.flush();
    }

    /** A counter: redrawn on a terminal (ended by a newline when {@code done}), a line every 30 s otherwise. */
    private void count(String line, boolean done, long now) {
        if (tty && (now - lastDraw > 200 || done)) {
            err.print("\r" + line);
            lastDraw = now;
            if (done) {
                err.println();
                lastDraw = 0;
            }
        } else if (!tty && now - lastDraw > 30_000) {
            err.println(line);
            lastDraw = now;
        }
    }

    private void endLine() {
        if (tty && lastDraw != 0) {
            err.println();
            lastDraw = 0;
        }
    }

    private static String bar(int done, int total) {
        int width = 24;
        int full = (int) ((long) done * width / Math.max(1, total));
        return "[" + "#".repeat(full) + " ".repeat(width - full) + "]";
    }

    static String eta(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return String.format("%d:%02d", s / 60, s % 60);
    }

    private static String format(Map<String, Object> figures) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> f : figures.entrySet()) {
            if (f.getKey().equals("epoch")) {
                continue;
            }
            Object v = f.getValue();
            sb.append(f.getKey()).append(' ');
            sb.append(v instanceof Double d ? String.format("%.4f", d) : String.valueOf(v)).append("  ");
        }
        return sb.toString().trim();
    }
}

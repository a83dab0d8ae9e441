package dev.kvcap.bench;

import ai.djl.ndarray.NDScope;
import java.util.Arrays;

/** Repeated timings of one thing: median and spread, in milliseconds. */
public record Timing(String name, double[] millis) {

    /**
     * Runs {@code body} {@code warmup} times unmeasured, then {@code runs} times measured; each run
     * in its own {@link NDScope}, so arrays it makes are freed before the next.
     */
    public static Timing of(String name, int warmup, int runs, Runnable body) {
        return of(name, warmup, 0, runs, body);
    }

    /**
     * Like {@link #of(String, int, int, Runnable)}, but warms up for at least {@code warmupMillis}
     * too: a few runs of a 30 ms caption leave the JIT compiler far from done (measured: the first
     * timed `small` captions ran at twice the later cost).
     */
    public static Timing of(String name, int warmup, long warmupMillis, int runs, Runnable body) {
        long start = System.nanoTime();
        for (int i = 0; i < warmup || (System.nanoTime() - start) / 1_000_000 < warmupMillis; i++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                body.run();
            }
        }
        return measure(name, runs, body);
    }

    private static Timing measure(String name, int runs, Runnable body) {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                long t0 = System.nanoTime();
                body.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return new Timing(name, ms);
    }

    public double median() {
        return percentile(50);
    }

    /** Nearest-rank percentile. */
    public double percentile(double p) {
        double[] s = millis.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}

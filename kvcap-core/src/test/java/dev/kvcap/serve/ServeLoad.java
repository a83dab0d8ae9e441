package dev.kvcap.serve;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load test of a running {@code kvcap serve} (not a unit test: run by hand, see
 * docs/BENCHMARKS.md). {@code C} client threads post a fixed mix of valid and invalid images to
 * {@code /v1/captions} on loopback for {@code S} seconds (or until {@code N} requests), while a
 * sampler reads the server's VmRSS from {@code /proc/PID/status}.
 *
 * <pre>java -cp target/test-classes dev.kvcap.serve.ServeLoad URL PID [clients] [seconds] [maxRequests] [imageDir]</pre>
 *
 * <p>Mix per 20 requests: 16 valid (PNG/JPEG from {@code imageDir}, or generated), 1 not an image,
 * 1 truncated PNG, 1 decompression-bomb header, 1 empty body.
 */
public final class ServeLoad {

    private ServeLoad() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ServeLoad URL PID [clients=50] [seconds=60] [maxRequests=200000] [imageDir]");
            System.exit(2);
        }
        URI base = URI.create(args[0].endsWith("/") ? args[0] : args[0] + "/");
        if (!List.of("127.0.0.1", "localhost", "[::1]").contains(base.getHost())) {
            throw new IllegalArgumentException("loopback only: " + base.getHost());
        }
        long pid = Long.parseLong(args[1]);
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        int maxRequests = args.length > 4 ? Integer.parseInt(args[4]) : 200_000;
        List<byte[]> valid = args.length > 5 ? readImages(Path.of(args[5])) : generated();
        byte[] png = ServeFixture.image(64, 64, "png");
        List<byte[]> invalid = List.of(
                "definitely not an image".getBytes(),
                Arrays.copyOf(png, png.length / 2),
                ServeFixture.pngClaiming(100_000, 100_000),
                new byte[0]);

        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newFixedThreadPool(4))
                .build();
        URI captions = base.resolve("v1/captions");
        Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        List<long[]> latencies = new ArrayList<>();
        AtomicInteger issued = new AtomicInteger();
        AtomicLong ioErrors = new AtomicLong();
        RssSampler rss = new RssSampler(pid);
        rss.start();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            long[] mine = new long[maxRequests + 1]; // nanos of 200 answers, 0 = unused
            synchronized (latencies) {
                latencies.add(mine);
            }
            pool.submit(() -> {
                int k = 0;
                for (int i; System.nanoTime() < deadline && (i = issued.getAndIncrement()) < maxRequests; ) {
                    int slot = i % 20;
                    byte[] body = slot < 16 ? valid.get(i % valid.size()) : invalid.get(slot - 16);
                    HttpRequest req = HttpRequest.newBuilder(captions)
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/octet-stream")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build();
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        long took = System.nanoTime() - t0;
                        byStatus.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                        if (r.statusCode() == 200) {
                            mine[k++] = took;
                        }
                    } catch (IOException e) {
                        ioErrors.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 120L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        rss.stopSampling();

        long[] all = latencies.stream().flatMapToLong(a -> Arrays.stream(a).filter(v -> v > 0)).sorted().toArray();
        int total = byStatus.values().stream().mapToInt(AtomicInteger::get).sum();
        String metrics = http.send(HttpRequest.newBuilder(base.resolve("metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        double batches = sample(metrics, "kvcap_batch_size_count");
        double images = sample(metrics, "kvcap_batch_size_sum");
        Map<Integer, Integer> statuses = new TreeMap<>();
        byStatus.forEach((s, n) -> statuses.put(s, n.get()));
        System.out.printf("clients %d, %.1f s, %d requests (%.1f req/s), %d captions (%.1f captions/s)%n",
                clients, elapsed, total, total / elapsed, all.length, all.length / elapsed);
        System.out.printf("latency of 200s: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                pct(all, 50), pct(all, 99), all.length == 0 ? 0 : all[all.length - 1] / 1e6);
        System.out.printf("status counts: %s; connection errors: %d%n", statuses, ioErrors.get());
        System.out.printf("mean batch size (server): %.2f over %.0f forward passes%n", batches == 0 ? 0 : images / batches, batches);
        System.out.printf("server RSS: start %d MiB, peak %d MiB, peak in first 10 s %d MiB, peak in last 10 s %d MiB%n",
                rss.first >> 10, rss.peak >> 10, rss.peakFirst >> 10, rss.peakLast() >> 10);
        System.exit(0);
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static double sample(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static List<byte[]> generated() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(ServeFixture.image(64 + 24 * i, 64 + 16 * i, i % 2 == 0 ? "png" : "jpg"));
        }
        return out;
    }

    private static List<byte[]> readImages(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            List<byte[]> out = new ArrayList<>();
            for (Path f : files.sorted().limit(64).toList()) {
                out.add(Files.readAllBytes(f));
            }
            return out;
        }
    }

    /** Samples VmRSS (KiB) of one process every 250 ms. */
    private static final class RssSampler extends Thread {
        private final Path status;
        private final List<long[]> samples = new ArrayList<>(); // {nanos, KiB}
        private volatile boolean running = true;
        long first;
        long peak;
        long peakFirst;

        RssSampler(long pid) {
            this.status = Path.of("/proc/" + pid + "/status");
            setDaemon(true);
        }

        @Override
        public void run() {
            long t0 = System.nanoTime();
            while (running) {
                long kib = read();
                long at = System.nanoTime() - t0;
                synchronized (samples) {
                    samples.add(new long[] {at, kib});
                }
                if (first == 0) {
                    first = kib;
                }
                peak = Math.max(peak, kib);
                if (at < 10_000_000_000L) {
                    peakFirst = Math.max(peakFirst, kib);
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long peakLast() {
            synchronized (samples) {
                long end = samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[0];
                return samples.stream().filter(s -> s[0] >= end - 10_000_000_000L).mapToLong(s -> s[1]).max().orElse(0);
            }
        }

        void stopSampling() throws InterruptedException {
            running = false;
            join();
        }

        private long read() {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the process is gone: keep the last figures
            }
            return 0;
        }
    }
}

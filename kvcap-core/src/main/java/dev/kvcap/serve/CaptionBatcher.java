package dev.kvcap.serve;

import dev.kvcap.config.DecodeConfig;
import dev.kvcap.infer.Captioner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded queue in front of the model and the one worker thread that drains it.
 *
 * <p>The worker takes the oldest request, then keeps taking requests until it holds {@code
 * maxBatch} of them or {@code maxWaitMs} have passed since the first; the batch is split by
 * decoding settings and each part is captioned in one batched beam search. A full queue refuses
 * at once ({@link ApiException} 503), so callers never pile up behind the model. Requests whose
 * caller gave up (timed out) are dropped before the forward pass.
 */
final class CaptionBatcher implements AutoCloseable {

    /** One batched search over prepared images; {@link Captioner#caption} in production. */
    @FunctionalInterface
    interface Forward {
        List<Captioner.Caption> caption(List<byte[]> pixels, DecodeConfig decode, boolean attention);
    }

    /**
     * What the service answers with in place of the model's own captions ({@code --rerank}'s
     * choice, {@link Captioner#rerank}): one caption per image of the batch.
     */
    @FunctionalInterface
    interface Choose {
        List<String> choose(List<byte[]> pixels, List<String> own);
    }

    /**
     * A captioned request and what it cost.
     *
     * @param chosen the caption chosen in place of the model's own ({@link Choose}), or null when
     *     the service answers with the model's own
     */
    record Result(Captioner.Caption caption, String chosen, int batchSize, long queuedNanos, long modelNanos) {}

    private record Key(DecodeConfig decode, boolean attention) {}

    private static final class Job {
        final byte[] pixels;
        final Key key;
        final long enqueuedNanos = System.nanoTime();
        final CompletableFuture<Result> future = new CompletableFuture<>();

        Job(byte[] pixels, Key key) {
            this.pixels = pixels;
            this.key = key;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(CaptionBatcher.class);

    private final Forward forward;
    private final Choose choose;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final BlockingQueue<Job> queue;
    private final ServeMetrics metrics;
    private final Thread worker;
    private volatile boolean accepting = true;
    private volatile boolean running = true;

    CaptionBatcher(Forward forward, ServeConfig config, ServeMetrics metrics) {
        this(forward, null, config, metrics);
    }

    /** @param choose what chooses each caption after the model's search, or null for none */
    CaptionBatcher(Forward forward, Choose choose, ServeConfig config, ServeMetrics metrics) {
        this.forward = forward;
        this.choose = choose;
        this.maxBatch = config.maxBatch();
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(config.maxWaitMs());
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.metrics = metrics;
        metrics.queueDepth(queue::size);
        this.worker = new Thread(this::loop, "kvcap-model");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues one prepared image.
     *
     * @throws ApiException 503 when the queue is full or the service is shutting down
     */
    CompletableFuture<Result> submit(byte[] pixels, DecodeConfig decode, boolean attention) {
        if (!accepting) {
            metrics.rejected("shutting_down");
            throw ApiException.overloaded("the service is shutting down");
        }
        Job job = new Job(pixels, new Key(decode, attention));
        if (!queue.offer(job)) {
            metrics.rejected("queue_full");
            throw ApiException.overloaded(
                    "too many requests: the queue of " + (queue.size() + queue.remainingCapacity()) + " is full");
        }
        return job.future;
    }

    private void loop() {
        while (running || !queue.isEmpty()) {
            try {
                Job first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Job> batch = new ArrayList<>(maxBatch);
                batch.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Job next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run(List<Job> batch) {
        Map<Key, List<Job>> groups = new LinkedHashMap<>();
        for (Job job : batch) {
            if (!job.future.isDone()) { // its caller timed out: no forward pass for nobody
                groups.computeIfAbsent(job.key, k -> new ArrayList<>()).add(job);
            }
        }
        for (Map.Entry<Key, List<Job>> group : groups.entrySet()) {
            List<Job> jobs = group.getValue();
            List<byte[]> pixels = new ArrayList<>(jobs.size());
            jobs.forEach(j -> pixels.add(j.pixels));
            long start = System.nanoTime();
            try {
                List<Captioner.Caption> out =
                        forward.caption(pixels, group.getKey().decode(), group.getKey().attention());
                List<String> chosen =
                        choose == null ? null : choose.choose(pixels, out.stream().map(Captioner.Caption::text).toList());
                long took = System.nanoTime() - start;
                metrics.batch(jobs.size(), took);
                for (int i = 0; i < jobs.size(); i++) {
                    Job j = jobs.get(i);
                    j.future.complete(new Result(
                            out.get(i), chosen == null ? null : chosen.get(i), jobs.size(), start - j.enqueuedNanos, took));
                }
            } catch (RuntimeException | Error e) { // the worker must outlive one bad batch
                LOG.error("captioning a batch of {} failed", jobs.size(), e);
                jobs.forEach(j -> j.future.completeExceptionally(e));
            }
        }
    }

    /** Requests waiting for the model. */
    int queued() {
        return queue.size();
    }

    /** Refuses new requests from now on; queued ones are still captioned. */
    void stopAccepting() {
        accepting = false;
    }

    /** Stops accepting, captions what is queued (up to {@code waitMs}), and ends the worker. */
    void shutdown(long waitMs) {
        accepting = false;
        running = false;
        try {
            worker.join(waitMs);
            if (worker.isAlive()) {
                worker.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Job j; (j = queue.poll()) != null; ) {
            j.future.completeExceptionally(ApiException.overloaded("the service is shutting down"));
        }
    }

    @Override
    public void close() {
        shutdown(30_000);
    }
}

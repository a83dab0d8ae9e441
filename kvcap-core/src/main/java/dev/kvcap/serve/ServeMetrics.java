package dev.kvcap.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service's meters, scraped at {@code GET /metrics} in Prometheus text format:
 *
 * <ul>
 *   <li>{@code http_server_requests_seconds} (count, sum, histogram) by method, route and status;
 *   <li>{@code kvcap_queue_depth}: requests waiting for the model;
 *   <li>{@code kvcap_batch_size}: images per forward pass (histogram);
 *   <li>{@code kvcap_model_forward_seconds}: time per forward pass (histogram);
 *   <li>{@code kvcap_requests_rejected_total} by reason (queue_full, timeout, shutting_down);
 *   <li>{@code kvcap_requests_in_flight}.
 * </ul>
 */
final class ServeMetrics {

    /** The methods counted by name. */
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DistributionSummary batchSize;
    private final Timer forward;

    ServeMetrics(int maxBatch) {
        batchSize =
                DistributionSummary.builder("kvcap.batch.size")
                        .description("Images captioned per forward pass")
                        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
                        .maximumExpectedValue((double) Math.max(64, maxBatch))
                        .register(registry);
        forward =
                Timer.builder("kvcap.model.forward")
                        .description("Time of one batched caption search")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(60))
                        .register(registry);
    }

    void queueDepth(Supplier<Number> depth) {
        Gauge.builder("kvcap.queue.depth", depth)
                .description("Requests waiting for the model")
                .register(registry);
    }

    void inFlight(Supplier<Number> n) {
        Gauge.builder("kvcap.requests.in.flight", n)
                .description("Caption requests being handled")
                .register(registry);
    }

    void batch(int size, long nanos) {
        batchSize.record(size);
        forward.record(nanos, TimeUnit.NANOSECONDS);
    }

    void rejected(String reason) {
        Counter.builder("kvcap.requests.rejected")
                .description("Caption requests refused with 503")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /**
     * @param method any request method; those outside {@link #METHODS} count as {@code other}, so
     *     a client inventing methods cannot grow the registry
     */
    void request(String method, String route, int status, long nanos) {
        Timer.builder("http.server.requests")
                .description("HTTP requests by route and status")
                .tag("method", METHODS.contains(method) ? method : "other")
                .tag("route", route)
                .tag("status", String.valueOf(status))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Everything, in the Prometheus text exposition format. */
    String scrape() {
        return registry.scrape();
    }
}

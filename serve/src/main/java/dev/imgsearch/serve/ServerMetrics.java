package dev.imgsearch.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** The service's Prometheus metrics, in a registry of its own so several servers in one JVM never mix counts. */
final class ServerMetrics {

    private static final double[] LATENCY_BOUNDS =
            {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private final Histogram requestSeconds = Histogram.builder()
            .name("imgsearch_http_request_duration_seconds")
            .help("HTTP request latency by method, route template and status")
            .labelNames("method", "route", "status")
            .classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS)
            .register(registry);

    private final Counter requests = Counter.builder()
            .name("imgsearch_http_requests_total")
            .help("HTTP requests by method, route template and status")
            .labelNames("method", "route", "status")
            .register(registry);

    private final Histogram storeSeconds = Histogram.builder()
            .name("imgsearch_store_operation_duration_seconds")
            .help("Vector store call latency by operation and outcome")
            .labelNames("operation", "outcome")
            .classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS)
            .register(registry);

    private final Histogram embedSeconds = Histogram.builder()
            .name("imgsearch_embed_duration_seconds")
            .help("Query embedding latency (text or image) including decoding and preprocessing")
            .labelNames("input")
            .classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS)
            .register(registry);

    private final Counter textCacheLookups = Counter.builder()
            .name("imgsearch_text_cache_lookups_total")
            .help("Text query embedding cache lookups by result (hit or miss)")
            .labelNames("result")
            .register(registry);

    private final Histogram textBatchSize = Histogram.builder()
            .name("imgsearch_text_batch_size")
            .help("Distinct texts embedded together in one pass of the text tower")
            .classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32)
            .register(registry);

    private final Counter rateLimited = Counter.builder()
            .name("imgsearch_rate_limited_total")
            .help("Requests refused by the per-client rate limit")
            .register(registry);

    private final Counter refused = Counter.builder()
            .name("imgsearch_refused_total")
            .help("Requests refused with 503 by a server-side limit: body_readers, work_queue, decode_memory, out_of_memory")
            .labelNames("limit")
            .register(registry);

    private final Gauge ready = Gauge.builder()
            .name("imgsearch_ready")
            .help("1 when the model is loaded and the store answered the last readiness check, else 0")
            .register(registry);

    void request(String method, String route, int status, double seconds) {
        String code = Integer.toString(status);
        requestSeconds.labelValues(method, route, code).observe(seconds);
        requests.labelValues(method, route, code).inc();
    }

    /** Runs a store call, timing it whether it succeeds or throws. */
    <T> T store(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "ok";
            return result;
        } finally {
            storeSeconds.labelValues(operation, outcome).observe((System.nanoTime() - start) / 1e9);
        }
    }

    void embedded(String input, long startNanos) {
        embedSeconds.labelValues(input).observe((System.nanoTime() - startNanos) / 1e9);
    }

    void textCache(boolean hit) {
        textCacheLookups.labelValues(hit ? "hit" : "miss").inc();
    }

    void textBatch(int texts) {
        textBatchSize.observe(texts);
    }

    void rateLimited() {
        rateLimited.inc();
    }

    void refused(String limit) {
        refused.labelValues(limit).inc();
    }

    /** Reports, at each scrape, the decode and embed requests running or waiting for a worker. */
    void work(IntSupplier inPool) {
        GaugeWithCallback.builder()
                .name("imgsearch_work_requests")
                .help("Decode and embed requests running or waiting for a worker")
                .callback(callback -> callback.call(inPool.getAsInt()))
                .register(registry);
    }

    void ready(boolean isReady) {
        ready.set(isReady ? 1 : 0);
    }

    String contentType() {
        return writer.getContentType();
    }

    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

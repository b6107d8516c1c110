package dev.imgsearch.serve;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * The embeddings of text queries for one model: recent ones from a bounded cache, the others from a
 * {@link TextBatcher}. Concurrent requests for a text that is not cached yet share one embedding; a failed one is
 * not kept. Cached vectors are shared: nobody may modify what {@link #of} returns (the stores copy their queries).
 */
final class TextEmbeddings implements AutoCloseable {

    /** 32 MiB holds ~16k recent ViT-B/32 query vectors (2 KiB each). */
    static final long CACHE_BYTES = 32L * 1024 * 1024;
    /** How long the oldest query of a batch may wait for others; small against a text pass of ~10 ms on a CPU. */
    static final Duration BATCH_WINDOW = Duration.ofMillis(2);
    static final int MAX_BATCH = 32;
    /** Two passes at once: a pass over a few short texts leaves the cores idle between its small matrix products. */
    static final int PASSES = 2;

    private final TextBatcher batcher;
    private final AsyncCache<String, float[]> cache;
    private final ServerMetrics metrics;

    TextEmbeddings(Function<List<String>, float[][]> embed, ServerMetrics metrics) {
        this(embed, BATCH_WINDOW, MAX_BATCH, CACHE_BYTES, metrics);
    }

    TextEmbeddings(Function<List<String>, float[][]> embed, Duration window, int maxBatch, long cacheBytes,
                   ServerMetrics metrics) {
        this.metrics = metrics;
        this.batcher = new TextBatcher(embed, window, maxBatch, PASSES, metrics::textBatch);
        this.cache = Caffeine.newBuilder()
                // Evictions run on the caller, at once: cheap, and the bound holds at every moment.
                .executor(Runnable::run)
                .maximumWeight(cacheBytes)
                .weigher((String text, float[] vector) -> 64 + 2 * text.length() + 4 * vector.length)
                .buildAsync();
    }

    /** The embedding of {@code text}; a failure of the model is rethrown as it was thrown. */
    float[] of(String text) {
        CompletableFuture<float[]> cached = cache.getIfPresent(text);
        if (cached != null && cached.isCompletedExceptionally()) {
            // Caffeine drops a failed entry too, but only after the callers waiting on it have woken up.
            cache.asMap().remove(text, cached);
            cached = null;
        }
        metrics.textCache(cached != null);
        CompletableFuture<float[]> result = cached != null ? cached
                : cache.get(text, (key, executor) -> batcher.submit(key));
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "the server is shutting down");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        batcher.close();
    }
}

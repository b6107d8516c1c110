package dev.imgsearch.serve;

import dev.imgsearch.embed.ClipEmbedder;
import dev.imgsearch.model.ClipModel;
import dev.imgsearch.model.ModelDescriptor;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The model as it loads in the background: the server listens at once (so liveness probes pass) and answers
 * searches with 503 until the model is ready and fits the store.
 */
final class ModelState implements AutoCloseable {

    private final CompletableFuture<ClipModel> loading;
    private final Searcher searcher;
    private final ServerMetrics metrics;
    private final WorkPool work;
    private volatile QueryEmbedder embedder;
    private boolean closed;

    ModelState(CompletableFuture<ClipModel> loading, Searcher searcher, ServerMetrics metrics, WorkPool work) {
        this.loading = loading;
        this.searcher = searcher;
        this.metrics = metrics;
        this.work = work;
    }

    /** The embedder, or a 503 saying why there is none yet. */
    QueryEmbedder embedder() {
        QueryEmbedder ready = embedder;
        if (ready != null) {
            return ready;
        }
        String problem = problem();
        if (problem != null) {
            throw new ApiException(503, problem);
        }
        return embedder;
    }

    /** Null when the model is loaded and its embeddings fit the store, else why not. */
    String problem() {
        if (embedder != null) {
            return null;
        }
        if (!loading.isDone()) {
            return "the model is still loading";
        }
        ClipModel model;
        try {
            model = loading.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return "the model failed to load: " + cause.getMessage();
        }
        int modelDim = model.descriptor().embeddingDim();
        OptionalInt storeDim;
        try {
            storeDim = searcher.dimension();
        } catch (ApiException e) {
            return e.getMessage();
        }
        if (storeDim.isPresent() && storeDim.getAsInt() != modelDim) {
            return "model " + model.descriptor().name() + " makes " + modelDim + "-dimensional vectors but the store holds "
                    + storeDim.getAsInt() + "-dimensional ones: serve the store with the model that built it";
        }
        synchronized (this) {
            if (closed) {
                return "the server is shutting down";
            }
            if (embedder == null) {
                embedder = new QueryEmbedder(ClipEmbedder.of(model), metrics, work);
            }
        }
        return null;
    }

    /** The dimension of query vectors: the store's, or while the store is empty the model's (a 503 while it loads). */
    int queryDimension() {
        OptionalInt stored = searcher.dimension();
        return stored.isPresent() ? stored.getAsInt() : embedder().descriptor().embeddingDim();
    }

    /** The loaded model's descriptor, else null. */
    ModelDescriptor descriptor() {
        QueryEmbedder ready = embedder;
        return ready == null ? null : ready.descriptor();
    }

    /** The model's name once loaded, else null. */
    String modelName() {
        ModelDescriptor descriptor = descriptor();
        return descriptor == null ? null : descriptor.name();
    }

    /** Stops the query embedder's worker; the model itself belongs to whoever loaded it. */
    @Override
    public synchronized void close() {
        closed = true;
        if (embedder != null) {
            embedder.close();
        }
    }
}

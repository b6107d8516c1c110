package dev.imgsearch.serve;

import dev.imgsearch.embed.ClipEmbedder;
import dev.imgsearch.model.ClipModel;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The model as it loads in the background: the server listens at once (so liveness probes pass) and answers
 * searches with 503 until the model is ready and fits the store.
 */
final class ModelState {

    private final CompletableFuture<ClipModel> loading;
    private final Searcher searcher;
    private final ServerMetrics metrics;
    private volatile QueryEmbedder embedder;

    ModelState(CompletableFuture<ClipModel> loading, Searcher searcher, ServerMetrics metrics) {
        this.loading = loading;
        this.searcher = searcher;
        this.metrics = metrics;
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
            if (embedder == null) {
                embedder = new QueryEmbedder(ClipEmbedder.of(model), metrics);
            }
        }
        return null;
    }

    /** The model's name once loaded, else null. */
    String modelName() {
        QueryEmbedder ready = embedder;
        return ready == null ? null : ready.modelName();
    }
}

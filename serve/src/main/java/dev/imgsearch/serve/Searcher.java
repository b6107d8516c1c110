package dev.imgsearch.serve;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Pages of hits from the store, timed; store outages become 503s, never a stack trace. */
final class Searcher {

    /** One page of hits and whether another page follows. */
    record Page(List<SearchHit> hits, boolean hasMore) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Searcher.class);

    private final VectorStore store;
    private final ServerMetrics metrics;

    Searcher(VectorStore store, ServerMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    Page search(float[] vector, SearchParams params) {
        return page(call("search", () -> store.search(vector, params.storeRequest())), params);
    }

    Page similar(String id, SearchParams params) {
        try {
            return page(call("search_by_id", () -> store.searchById(id, params.storeRequest())), params);
        } catch (NoSuchElementException e) {
            throw ApiException.notFound("no image with id '" + id + "'");
        }
    }

    VectorRecord get(String id) {
        Optional<VectorRecord> record = call("get", () -> store.get(id));
        return record.orElseThrow(() -> ApiException.notFound("no image with id '" + id + "'"));
    }

    long count() {
        return call("count", store::count);
    }

    /** The store's vector dimension; empty while it has never held a vector. */
    OptionalInt dimension() {
        return call("dimension", store::dimension);
    }

    private <T> T call(String operation, Supplier<T> call) {
        try {
            return metrics.store(operation, call);
        } catch (StoreException e) {
            // Store messages name hosts, internal paths and exception types: the log gets them, the client does not.
            LOG.warn("vector store {} failed: {}", operation, OneLine.of(e));
            throw new ApiException(503, "the vector store is unavailable; try again shortly");
        }
    }

    private static Page page(List<SearchHit> hits, SearchParams params) {
        int from = Math.min(params.offset(), hits.size());
        int to = Math.min(params.offset() + params.k(), hits.size());
        return new Page(List.copyOf(hits.subList(from, to)), hits.size() > params.offset() + params.k());
    }
}

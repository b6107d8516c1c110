package dev.imgsearch.serve;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.StoreNotReadyException;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pages of hits from the store, timed, with source URIs as clients may see them ({@link ResultUris}); store outages
 * become 503s, never a stack trace.
 */
final class Searcher {

    /** One page of hits and whether another page follows. */
    record Page(List<SearchHit> hits, boolean hasMore) {
    }

    /** What a client is told when the store fails: its own messages name hosts, internal paths and exception types. */
    static final String UNAVAILABLE = "the vector store is unavailable; try again shortly";

    private static final Logger LOG = LoggerFactory.getLogger(Searcher.class);

    private final VectorStore store;
    private final ServerMetrics metrics;
    private final ResultUris uris;
    /** When a store call last failed ({@link System#nanoTime}), or null if none has. */
    private volatile Long lastFailureNanos;

    Searcher(VectorStore store, ServerMetrics metrics, ResultUris uris) {
        this.store = store;
        this.metrics = metrics;
        this.uris = uris;
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

    /**
     * Checks the store the way searches use it, a nearest-neighbour search, and counts its records: what readiness
     * needs. A store that has never held a vector has nothing to search and only counts.
     */
    long probe() {
        return call("probe", () -> {
            OptionalInt dimension = store.dimension();
            if (dimension.isPresent()) {
                float[] unit = new float[dimension.getAsInt()];
                unit[0] = 1;
                store.search(unit, SearchRequest.top(1));
            }
            return store.count();
        });
    }

    /** Whether a store call failed within the last {@code nanos}. */
    boolean failedWithin(long nanos) {
        Long failed = lastFailureNanos;
        return failed != null && System.nanoTime() - failed < nanos;
    }

    /** The store's vector dimension; empty while it has never held a vector. */
    OptionalInt dimension() {
        return call("dimension", store::dimension);
    }

    private <T> T call(String operation, Supplier<T> call) {
        try {
            return metrics.store(operation, call);
        } catch (StoreNotReadyException e) {
            // Not a failure: the store is still being copied, and says how far it is.
            throw new ApiException(503, e.getMessage());
        } catch (StoreException e) {
            lastFailureNanos = System.nanoTime();
            LOG.warn("vector store {} failed: {}", operation, OneLine.of(e));
            throw new ApiException(503, UNAVAILABLE);
        }
    }

    private Page page(List<SearchHit> hits, SearchParams params) {
        int from = Math.min(params.offset(), hits.size());
        int to = Math.min(params.offset() + params.k(), hits.size());
        return new Page(hits.subList(from, to).stream().map(uris::shown).toList(),
                hits.size() > params.offset() + params.k());
    }
}

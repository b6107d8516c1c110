package dev.imgsearch.serve;

import dev.imgsearch.store.MetadataFilter;
import dev.imgsearch.store.SearchRequest;

/**
 * What a client asked of a search, already validated.
 *
 * @param k        results per page
 * @param offset   results skipped before this page
 * @param filter   metadata conditions, checked against the store's schema
 * @param minScore results below this cosine similarity are dropped
 */
record SearchParams(int k, int offset, MetadataFilter filter, double minScore) {

    static final int DEFAULT_K = 10;

    /** The store request for this page plus one more hit, which tells whether a next page exists. */
    SearchRequest storeRequest() {
        return new SearchRequest(offset + k + 1, filter, minScore, 0);
    }

    /** The largest offset a page of {@code k} may start at, so that the store is never asked for more than it allows. */
    static int maxOffset(int k) {
        return SearchRequest.MAX_K - k - 1;
    }
}

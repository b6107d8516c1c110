package dev.imgsearch.store;

import java.util.Objects;

/**
 * What a search asks for.
 *
 * @param k              how many hits at most
 * @param filter         metadata conditions every hit must meet
 * @param minScore       hits scoring below this cosine similarity are dropped
 * @param extraNeighbors how many approximate neighbours beyond {@code k} are fetched and re-ranked by exact cosine
 *                       (VekterDB's {@code k_extra_neighbors}); raising it trades latency for recall
 */
public record SearchRequest(int k, MetadataFilter filter, double minScore, int extraNeighbors) {

    /** More would make a single query fetch an unreasonable share of a large store. */
    public static final int MAX_K = 10_000;

    public SearchRequest {
        Objects.requireNonNull(filter, "filter");
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", got " + k);
        }
        if (extraNeighbors < 0 || extraNeighbors > MAX_K) {
            throw new IllegalArgumentException("extraNeighbors must be between 0 and " + MAX_K + ", got " + extraNeighbors);
        }
        if (Double.isNaN(minScore)) {
            throw new IllegalArgumentException("minScore must be a number");
        }
    }

    /** The {@code k} nearest, no filter, no minimum score, no extra neighbours. */
    public static SearchRequest top(int k) {
        return new SearchRequest(k, MetadataFilter.NONE, Double.NEGATIVE_INFINITY, 0);
    }

    public SearchRequest withK(int newK) {
        return new SearchRequest(newK, filter, minScore, extraNeighbors);
    }

    public SearchRequest withFilter(MetadataFilter newFilter) {
        return new SearchRequest(k, newFilter, minScore, extraNeighbors);
    }

    public SearchRequest withMinScore(double newMinScore) {
        return new SearchRequest(k, filter, newMinScore, extraNeighbors);
    }

    public SearchRequest withExtraNeighbors(int newExtraNeighbors) {
        return new SearchRequest(k, filter, minScore, newExtraNeighbors);
    }

    /** How many approximate candidates to fetch before exact re-ranking. */
    public int candidates() {
        return k + extraNeighbors;
    }
}

package dev.imgsearch.store;

import java.util.Objects;

/**
 * What a search asks for; made with {@link #builder()} or {@link #top(int)}.
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
        return builder().k(k).build();
    }

    /** Ten hits, no filter, no minimum score, no extra neighbours, until set otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this request. */
    public Builder toBuilder() {
        return builder().k(k).filter(filter).minScore(minScore).extraNeighbors(extraNeighbors);
    }

    /** How many approximate candidates to fetch before exact re-ranking. */
    public int candidates() {
        return k + extraNeighbors;
    }

    /** Builds a {@link SearchRequest}; every value is checked by {@link #build()}. */
    public static final class Builder {
        private int k = 10;
        private MetadataFilter filter = MetadataFilter.NONE;
        private double minScore = Double.NEGATIVE_INFINITY;
        private int extraNeighbors;

        private Builder() {
        }

        public Builder k(int value) {
            k = value;
            return this;
        }

        public Builder filter(MetadataFilter value) {
            filter = value;
            return this;
        }

        public Builder minScore(double value) {
            minScore = value;
            return this;
        }

        public Builder extraNeighbors(int value) {
            extraNeighbors = value;
            return this;
        }

        public SearchRequest build() {
            return new SearchRequest(k, filter, minScore, extraNeighbors);
        }
    }
}

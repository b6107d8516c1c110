package dev.imgsearch.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One search result.
 *
 * @param id       the record's id
 * @param score    exact cosine similarity to the query, in [-1, 1]
 * @param metadata the record's metadata
 */
public record SearchHit(String id, double score, Map<String, Object> metadata) {

    public SearchHit {
        Objects.requireNonNull(id, "id");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}

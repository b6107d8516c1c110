package dev.imgsearch.store.chroma.client;

import java.util.Map;

/**
 * A collection as the server describes it.
 *
 * @param id        the UUID that record operations address
 * @param name      the name it is found by
 * @param dimension the embedding dimension, or null before the first record
 * @param space     the HNSW distance, e.g. {@code cosine}
 * @param metadata  the collection's own metadata (empty when it has none)
 */
public record ChromaCollection(String id, String name, Integer dimension, String space, Map<String, Object> metadata) {
}

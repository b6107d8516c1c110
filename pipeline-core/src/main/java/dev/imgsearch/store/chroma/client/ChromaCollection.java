package dev.imgsearch.store.chroma.client;

import java.util.Map;

/**
 * A collection as the server describes it.
 *
 * @param id        the UUID that record operations address
 * @param name      the name it is found by
 * @param dimension the embedding dimension, or null before the first record
 * @param index     its vector index: HNSW or SPANN, and the distance
 * @param metadata  the collection's own metadata (empty when it has none)
 */
public record ChromaCollection(String id, String name, Integer dimension, ChromaIndex index, Map<String, Object> metadata) {
}

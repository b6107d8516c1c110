package dev.imgsearch.store.chroma.client;

import java.util.List;
import java.util.Map;

/**
 * Records as a get or a single-embedding query returns them, index-aligned (a query's nearest first).
 *
 * @param ids        record ids
 * @param embeddings their embeddings
 * @param metadatas  their metadata (empty maps for records without any)
 */
public record ChromaRecords(List<String> ids, List<float[]> embeddings, List<Map<String, Object>> metadatas) {
}

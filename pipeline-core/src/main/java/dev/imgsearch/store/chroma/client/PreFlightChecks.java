package dev.imgsearch.store.chroma.client;

/**
 * What {@code GET /api/v2/pre-flight-checks} says about the server's limits.
 *
 * @param maxBatchSize           most records one add/upsert/update may carry
 * @param supportsBase64Encoding whether embeddings may be sent as base64 little-endian float32
 */
public record PreFlightChecks(int maxBatchSize, boolean supportsBase64Encoding) {
}

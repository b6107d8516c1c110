package dev.imgsearch.store.chroma.client;

/**
 * A collection's HNSW index settings, fixed at creation (a changed {@code efSearch} takes effect only after the
 * server restarts).
 *
 * @param space          distance: {@code cosine}, {@code l2} or {@code ip}
 * @param efConstruction candidates considered while inserting
 * @param efSearch       candidates explored while searching
 * @param maxNeighbors   graph neighbours per node (M)
 */
public record HnswConfiguration(String space, int efConstruction, int efSearch, int maxNeighbors) {
}

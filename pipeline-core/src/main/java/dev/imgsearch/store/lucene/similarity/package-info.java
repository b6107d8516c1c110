/**
 * The vector arithmetic under Lucene's HNSW graph: {@code FloatSimilarity} (dot product, square distance, cosine) in
 * SIMD through {@code jdk.incubator.vector} ({@code VectorApiFloatSimilarity}) or in Lucene's own scalar code
 * ({@code ScalarFloatSimilarity}), the one chosen for this JVM ({@link
 * dev.imgsearch.store.lucene.similarity.FloatSimilarities}), and the Lucene scorer that computes every graph
 * distance with it ({@link dev.imgsearch.store.lucene.similarity.SimilarityVectorsScorer}).
 *
 * <p>Lucene 9 vectorizes these itself only on JDK 20+; on JDK 17 it runs scalar loops, which were ~90 % of an HNSW
 * build's CPU samples.
 */
package dev.imgsearch.store.lucene.similarity;

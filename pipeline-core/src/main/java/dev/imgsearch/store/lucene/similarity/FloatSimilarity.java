package dev.imgsearch.store.lucene.similarity;

/**
 * The three float-vector kernels of Lucene's similarity functions, on vectors of equal length. Implementations differ
 * only in summation order, hence in float rounding.
 */
public interface FloatSimilarity {

    /** The sum of {@code a[i] * b[i]}. */
    float dotProduct(float[] a, float[] b);

    /** The sum of {@code (a[i] - b[i])^2}. */
    float squareDistance(float[] a, float[] b);

    /** The dot product over the product of the norms; undefined for a zero vector, which Lucene refuses under cosine. */
    float cosine(float[] a, float[] b);
}

package dev.imgsearch.store.lucene.similarity;

import org.apache.lucene.util.VectorUtil;

/** Lucene's own kernels ({@link VectorUtil}): scalar on JDK 17, for a JVM without the Vector API. */
final class ScalarFloatSimilarity implements FloatSimilarity {

    static final ScalarFloatSimilarity INSTANCE = new ScalarFloatSimilarity();

    private ScalarFloatSimilarity() {
    }

    @Override
    public float dotProduct(float[] a, float[] b) {
        return VectorUtil.dotProduct(a, b);
    }

    @Override
    public float squareDistance(float[] a, float[] b) {
        return VectorUtil.squareDistance(a, b);
    }

    @Override
    public float cosine(float[] a, float[] b) {
        return VectorUtil.cosine(a, b);
    }

    @Override
    public String toString() {
        return "scalar (Lucene VectorUtil)";
    }
}

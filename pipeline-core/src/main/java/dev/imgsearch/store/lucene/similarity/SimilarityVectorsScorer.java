package dev.imgsearch.store.lucene.similarity;

import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

import java.io.IOException;

/**
 * Lucene's flat-vector scorer, the source of every distance an HNSW graph is built and searched with, computing float
 * vectors' similarities with a {@link FloatSimilarity} and exactly the score transform of Lucene's
 * {@link VectorSimilarityFunction#compare(float[], float[])}; byte vectors go to Lucene's own scorer.
 */
public final class SimilarityVectorsScorer implements FlatVectorsScorer {

    private final FloatSimilarity similarity;

    public SimilarityVectorsScorer(FloatSimilarity similarity) {
        this.similarity = similarity;
    }

    /** A scorer with this JVM's preferred kernels. */
    public static SimilarityVectorsScorer preferred() {
        return new SimilarityVectorsScorer(FloatSimilarities.preferred());
    }

    /** {@code function}'s score of two float vectors, as Lucene's {@code compare} gives it. */
    public float score(VectorSimilarityFunction function, float[] a, float[] b) {
        return switch (function) {
            case EUCLIDEAN -> 1 / (1 + similarity.squareDistance(a, b));
            case DOT_PRODUCT -> Math.max((1 + similarity.dotProduct(a, b)) / 2, 0);
            case COSINE -> Math.max((1 + similarity.cosine(a, b)) / 2, 0);
            case MAXIMUM_INNER_PRODUCT -> VectorUtil.scaleMaxInnerProductScore(similarity.dotProduct(a, b));
        };
    }

    @Override
    public RandomVectorScorerSupplier getRandomVectorScorerSupplier(VectorSimilarityFunction function,
                                                                   RandomAccessVectorValues values) throws IOException {
        if (values instanceof RandomAccessVectorValues.Floats floats) {
            return new FloatSupplier(floats, function);
        }
        return DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorerSupplier(function, values);
    }

    @Override
    public RandomVectorScorer getRandomVectorScorer(VectorSimilarityFunction function, RandomAccessVectorValues values,
                                                    float[] target) {
        RandomAccessVectorValues.Floats floats = (RandomAccessVectorValues.Floats) values;
        if (target.length != floats.dimension()) {
            throw new IllegalArgumentException("vector query dimension: " + target.length
                    + " differs from field dimension: " + floats.dimension());
        }
        return new RandomVectorScorer.AbstractRandomVectorScorer(floats) {
            @Override
            public float score(int node) throws IOException {
                return SimilarityVectorsScorer.this.score(function, target, floats.vectorValue(node));
            }
        };
    }

    @Override
    public RandomVectorScorer getRandomVectorScorer(VectorSimilarityFunction function, RandomAccessVectorValues values,
                                                    byte[] target) throws IOException {
        return DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorer(function, values, target);
    }

    @Override
    public String toString() {
        return "SimilarityVectorsScorer(" + similarity + ")";
    }

    /**
     * Scores between stored vectors, while a graph is built. Off-heap values reuse one buffer per copy, so the scored
     * ordinal and the compared one are read through copies of their own, as Lucene's supplier does.
     */
    private final class FloatSupplier implements RandomVectorScorerSupplier {
        private final RandomAccessVectorValues.Floats values;
        private final RandomAccessVectorValues.Floats scored;
        private final RandomAccessVectorValues.Floats compared;
        private final VectorSimilarityFunction function;

        FloatSupplier(RandomAccessVectorValues.Floats values, VectorSimilarityFunction function) throws IOException {
            this.values = values;
            this.scored = values.copy();
            this.compared = values.copy();
            this.function = function;
        }

        @Override
        public RandomVectorScorer scorer(int ord) {
            return new RandomVectorScorer.AbstractRandomVectorScorer(values) {
                @Override
                public float score(int node) throws IOException {
                    return SimilarityVectorsScorer.this.score(function, scored.vectorValue(ord), compared.vectorValue(node));
                }
            };
        }

        @Override
        public RandomVectorScorerSupplier copy() throws IOException {
            return new FloatSupplier(values.copy(), function);
        }
    }
}

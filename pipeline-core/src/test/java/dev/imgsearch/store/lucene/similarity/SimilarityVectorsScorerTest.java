package dev.imgsearch.store.lucene.similarity;

import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.imgsearch.store.lucene.similarity.FloatSimilarityContractTest.gamma;
import static dev.imgsearch.store.lucene.similarity.FloatSimilarityContractTest.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scorer gives Lucene's {@link VectorSimilarityFunction#compare} scores, with SIMD and with scalar kernels, both
 * between stored vectors (graph building) and against a query (search). Lucene's and our kernels each lie within the
 * summation bound of the exact value (FloatSimilarityContractTest), so they differ by at most twice that bound; every
 * score transform changes a difference by at most its size (slopes 1/2 or at most 1), plus a few ulps of its own.
 */
class SimilarityVectorsScorerTest {

    private static final int DIM = 37;

    static Stream<Arguments> kernelsAndFunctions() {
        List<Arguments> cases = new ArrayList<>();
        for (FloatSimilarity similarity : List.of(FloatSimilarities.scalar(), FloatSimilarities.vectorApi().orElseThrow())) {
            for (VectorSimilarityFunction function : VectorSimilarityFunction.values()) {
                cases.add(Arguments.of(similarity, function));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("kernelsAndFunctions")
    void storedAndQueryScoresAreLucenesWithinFloatRounding(FloatSimilarity similarity, VectorSimilarityFunction function)
            throws IOException {
        Random random = new Random(function.ordinal());
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            vectors.add(unit(gaussian(random, DIM, 1f)));
        }
        if (function != VectorSimilarityFunction.COSINE) {
            // A zero vector's cosine is undefined: Lucene refuses to index one under COSINE.
            vectors.add(new float[DIM]);
        }
        RandomAccessVectorValues.Floats values = RandomAccessVectorValues.fromFloats(vectors, DIM);
        SimilarityVectorsScorer scorer = new SimilarityVectorsScorer(similarity);
        RandomVectorScorerSupplier supplier = scorer.getRandomVectorScorerSupplier(function, values);
        float[] query = unit(gaussian(random, DIM, 1f));
        RandomVectorScorer queryScorer = scorer.getRandomVectorScorer(function, values, query);

        for (int a = 0; a < vectors.size(); a++) {
            RandomVectorScorer stored = supplier.scorer(a);
            for (int b = 0; b < vectors.size(); b++) {
                assertClose(function.compare(vectors.get(a), vectors.get(b)), stored.score(b), function + " " + a + "," + b);
            }
            assertClose(function.compare(query, vectors.get(a)), queryScorer.score(a), function + " query," + a);
        }
        assertEquals(vectors.size(), queryScorer.maxOrd());
    }

    @ParameterizedTest
    @MethodSource("kernelsAndFunctions")
    void byteVectorsAreScoredByLucenesOwnScorer(FloatSimilarity similarity, VectorSimilarityFunction function)
            throws IOException {
        List<byte[]> vectors = List.of(new byte[] {1, -2, 3}, new byte[] {4, 5, -6}, new byte[] {7, 8, 9});
        RandomAccessVectorValues.Bytes values = RandomAccessVectorValues.fromBytes(vectors, 3);
        RandomVectorScorer ours = new SimilarityVectorsScorer(similarity).getRandomVectorScorerSupplier(function, values)
                .scorer(0);
        RandomVectorScorer lucenes = DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorerSupplier(function, values)
                .scorer(0);
        for (int b = 0; b < vectors.size(); b++) {
            assertEquals(lucenes.score(b), ours.score(b));
        }
    }

    @ParameterizedTest
    @MethodSource("kernelsAndFunctions")
    void aQueryOfAnotherDimensionIsRefused(FloatSimilarity similarity, VectorSimilarityFunction function) {
        RandomAccessVectorValues.Floats values = RandomAccessVectorValues.fromFloats(List.of(new float[DIM]), DIM);
        assertThrows(IllegalArgumentException.class,
                () -> new SimilarityVectorsScorer(similarity).getRandomVectorScorer(function, values, new float[DIM + 1]));
    }

    /** Unit vectors: |a[i] b[i]| sums to at most 1, and (a - b)^2 to at most 4, so this bounds every kernel. */
    private static void assertClose(float lucene, float ours, String what) {
        double bound = 2 * gamma(DIM + 3) * 4 + 4 * Math.ulp(Math.max(Math.abs(lucene), 1f));
        assertTrue(Math.abs(lucene - ours) <= bound, what + ": Lucene " + lucene + ", ours " + ours);
    }

    private static float[] unit(float[] v) {
        double norm = Math.sqrt(FloatSimilarityContractTest.Exact.dot(v, v));
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / norm);
        }
        return v;
    }
}

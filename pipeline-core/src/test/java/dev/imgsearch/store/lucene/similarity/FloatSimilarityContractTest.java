package dev.imgsearch.store.lucene.similarity;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link FloatSimilarity} must give: the exact value within the rounding of float summation. Each kernel is
 * compared with the sum in double precision (exact for our purpose) within the classic bound for n float products
 * summed in any order, {@code gamma(n) * sum|a[i] b[i]|} with {@code gamma(n) = n u / (1 - n u)} and u = 2^-24; the
 * SIMD and scalar kernels sum in different orders, so this bound, not equality, is what they share. Lengths around
 * the lane counts (8 and 16 floats) reach every loop: whole unrolled blocks, single vectors and the scalar tail.
 */
class FloatSimilarityContractTest {

    private static final double U = Math.ulp(1f) / 2;

    static double gamma(int n) {
        return n * U / (1 - n * U);
    }

    abstract static class Contract {

        abstract FloatSimilarity similarity();

        @ParameterizedTest
        @ValueSource(ints = {1, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 511, 512, 513, 768, 1000})
        void dotProductSquareDistanceAndCosineAreExactWithinFloatRounding(int length) {
            Random random = new Random(length);
            for (int trial = 0; trial < 20; trial++) {
                float[] a = gaussian(random, length, trial % 3 == 0 ? 100f : 1f);
                float[] b = gaussian(random, length, 1f);
                assertWithin(Exact.dot(a, b), gamma(length + 1) * Exact.absDot(a, b), similarity().dotProduct(a, b),
                        "dot product, length " + length);
                assertWithin(Exact.squareDistance(a, b), gamma(length + 3) * Exact.squareDistance(a, b),
                        similarity().squareDistance(a, b), "square distance, length " + length);
                double norms = Math.sqrt(Exact.dot(a, a) * Exact.dot(b, b));
                assertWithin(Exact.dot(a, b) / norms, 2 * gamma(length + 3) * Exact.absDot(a, b) / norms,
                        similarity().cosine(a, b), "cosine, length " + length);
            }
        }

        @Test
        void identicalVectorsAreAtDistanceZeroAndCosineOne() {
            float[] a = gaussian(new Random(5), 77, 1f);
            assertEquals(0f, similarity().squareDistance(a, a.clone()));
            assertEquals(1.0, similarity().cosine(a, a.clone()), gamma(80) * 2);
        }

        @Test
        void zeroVectorsGiveZeroDotAndTheOtherNormAsDistance() {
            float[] zero = new float[40];
            float[] b = gaussian(new Random(6), 40, 1f);
            assertEquals(0f, similarity().dotProduct(zero, b));
            assertEquals(Exact.dot(b, b), similarity().squareDistance(zero, b), gamma(43) * Exact.dot(b, b));
            assertEquals(0f, similarity().dotProduct(new float[0], new float[0]));
        }

        @Test
        void vectorsOfDifferentLengthsAreRefused() {
            float[] a = new float[17];
            float[] b = new float[16];
            assertThrows(IllegalArgumentException.class, () -> similarity().dotProduct(a, b));
            assertThrows(IllegalArgumentException.class, () -> similarity().squareDistance(b, a));
            assertThrows(IllegalArgumentException.class, () -> similarity().cosine(a, b));
        }
    }

    @Nested
    class Scalar extends Contract {
        @Override
        FloatSimilarity similarity() {
            return FloatSimilarities.scalar();
        }
    }

    @Nested
    class VectorApi extends Contract {
        @Override
        FloatSimilarity similarity() {
            return FloatSimilarities.vectorApi().orElseThrow(() -> new AssertionError(
                    "the test JVM runs without " + FloatSimilarities.MODULE + ": see test.jvm.args in the root pom"));
        }
    }

    static void assertWithin(double exact, double bound, float actual, String what) {
        assertTrue(Math.abs(actual - exact) <= bound, what + ": " + actual + " differs from " + exact
                + " by " + Math.abs(actual - exact) + ", more than the rounding bound " + bound);
    }

    static float[] gaussian(Random random, int length, float scale) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = scale * (float) random.nextGaussian();
        }
        return v;
    }

    /** Sums in double precision, whose own rounding is ~2^-29 of the float bound. */
    static final class Exact {
        private Exact() {
        }

        static double dot(float[] a, float[] b) {
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                sum += (double) a[i] * b[i];
            }
            return sum;
        }

        static double absDot(float[] a, float[] b) {
            return dot(abs(a), abs(b));
        }

        static double squareDistance(float[] a, float[] b) {
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                double d = (double) a[i] - b[i];
                sum += d * d;
            }
            return sum;
        }

        private static float[] abs(float[] v) {
            float[] out = Arrays.copyOf(v, v.length);
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.abs(out[i]);
            }
            return out;
        }
    }
}

package dev.imgsearch.store.lucene.similarity;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels in SIMD through {@code jdk.incubator.vector}: the only class that links to it, so it is loaded only
 * when the module is in the boot layer ({@link FloatSimilarities}). Four independent accumulators, because one fused
 * multiply-add waits ~4 cycles on the previous one while a core can start two per cycle; the lanes left over after
 * the last whole vector are summed in scalar code.
 */
final class VectorApiFloatSimilarity implements FloatSimilarity {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    @Override
    public float dotProduct(float[] a, float[] b) {
        requireSameLength(a, b);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        FloatVector acc4 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = a.length - 4 * LANES; i <= bound; i += 4 * LANES) {
            acc1 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc1);
            acc2 = FloatVector.fromArray(SPECIES, a, i + LANES).fma(FloatVector.fromArray(SPECIES, b, i + LANES), acc2);
            acc3 = FloatVector.fromArray(SPECIES, a, i + 2 * LANES)
                    .fma(FloatVector.fromArray(SPECIES, b, i + 2 * LANES), acc3);
            acc4 = FloatVector.fromArray(SPECIES, a, i + 3 * LANES)
                    .fma(FloatVector.fromArray(SPECIES, b, i + 3 * LANES), acc4);
        }
        for (int bound = a.length - LANES; i <= bound; i += LANES) {
            acc1 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc1);
        }
        float sum = acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            sum = Math.fma(a[i], b[i], sum);
        }
        return sum;
    }

    @Override
    public float squareDistance(float[] a, float[] b) {
        requireSameLength(a, b);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        FloatVector acc4 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = a.length - 4 * LANES; i <= bound; i += 4 * LANES) {
            FloatVector d1 = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
            FloatVector d2 = FloatVector.fromArray(SPECIES, a, i + LANES).sub(FloatVector.fromArray(SPECIES, b, i + LANES));
            FloatVector d3 = FloatVector.fromArray(SPECIES, a, i + 2 * LANES)
                    .sub(FloatVector.fromArray(SPECIES, b, i + 2 * LANES));
            FloatVector d4 = FloatVector.fromArray(SPECIES, a, i + 3 * LANES)
                    .sub(FloatVector.fromArray(SPECIES, b, i + 3 * LANES));
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
            acc4 = d4.fma(d4, acc4);
        }
        for (int bound = a.length - LANES; i <= bound; i += LANES) {
            FloatVector d = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
            acc1 = d.fma(d, acc1);
        }
        float sum = acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            float d = a[i] - b[i];
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    @Override
    public float cosine(float[] a, float[] b) {
        requireSameLength(a, b);
        // Three sums per step already keep the FMA units busy: two sets of accumulators are enough.
        FloatVector dot1 = FloatVector.zero(SPECIES);
        FloatVector dot2 = FloatVector.zero(SPECIES);
        FloatVector normA1 = FloatVector.zero(SPECIES);
        FloatVector normA2 = FloatVector.zero(SPECIES);
        FloatVector normB1 = FloatVector.zero(SPECIES);
        FloatVector normB2 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = a.length - 2 * LANES; i <= bound; i += 2 * LANES) {
            FloatVector va1 = FloatVector.fromArray(SPECIES, a, i);
            FloatVector vb1 = FloatVector.fromArray(SPECIES, b, i);
            FloatVector va2 = FloatVector.fromArray(SPECIES, a, i + LANES);
            FloatVector vb2 = FloatVector.fromArray(SPECIES, b, i + LANES);
            dot1 = va1.fma(vb1, dot1);
            normA1 = va1.fma(va1, normA1);
            normB1 = vb1.fma(vb1, normB1);
            dot2 = va2.fma(vb2, dot2);
            normA2 = va2.fma(va2, normA2);
            normB2 = vb2.fma(vb2, normB2);
        }
        for (int bound = a.length - LANES; i <= bound; i += LANES) {
            FloatVector va = FloatVector.fromArray(SPECIES, a, i);
            FloatVector vb = FloatVector.fromArray(SPECIES, b, i);
            dot1 = va.fma(vb, dot1);
            normA1 = va.fma(va, normA1);
            normB1 = vb.fma(vb, normB1);
        }
        float dot = dot1.add(dot2).reduceLanes(VectorOperators.ADD);
        float normA = normA1.add(normA2).reduceLanes(VectorOperators.ADD);
        float normB = normB1.add(normB2).reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            dot = Math.fma(a[i], b[i], dot);
            normA = Math.fma(a[i], a[i], normA);
            normB = Math.fma(b[i], b[i], normB);
        }
        return (float) (dot / Math.sqrt((double) normA * normB));
    }

    /** Lucene's kernels refuse vectors of different lengths; so do these, instead of reading past the shorter one. */
    private static void requireSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vector dimensions differ: " + a.length + " != " + b.length);
        }
    }

    @Override
    public String toString() {
        return "SIMD (jdk.incubator.vector, " + SPECIES.vectorBitSize() + "-bit, " + LANES + " float lanes)";
    }
}

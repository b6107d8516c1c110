package dev.imgsearch.store;

/** Vector checks and arithmetic shared by the stores. */
public final class Vectors {

    private Vectors() {
    }

    /**
     * A unit-length copy of {@code vector}.
     *
     * @param what names the vector in the error message, e.g. "record 'abc'" or "query"
     * @throws IllegalArgumentException for an empty, zero or non-finite vector, whose cosine is undefined
     */
    public static float[] normalized(float[] vector, String what) {
        if (vector.length == 0) {
            throw new IllegalArgumentException(what + " has an empty vector");
        }
        double sumOfSquares = 0;
        for (float x : vector) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException(what + " has a non-finite vector component " + x);
            }
            sumOfSquares += (double) x * x;
        }
        if (sumOfSquares == 0) {
            throw new IllegalArgumentException(what + " has a zero vector: its cosine similarity is undefined");
        }
        double norm = Math.sqrt(sumOfSquares);
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }

    /** Throws the one-line error for a vector of the wrong dimension. */
    public static void requireDimension(int expected, float[] vector, String what) {
        if (vector.length != expected) {
            throw new IllegalArgumentException(
                    what + " has dimension " + vector.length + " but the store's dimension is " + expected);
        }
    }

    /** Exact cosine similarity, accumulated in double precision. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(normA * normB);
    }
}

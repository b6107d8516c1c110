package dev.imgsearch.bench.store;

import dev.imgsearch.store.lucene.similarity.FloatSimilarities;
import dev.imgsearch.store.lucene.similarity.FloatSimilarity;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What one process gets out of its core while another process works the other one: the dot product the store's HNSW
 * build scores with ({@link FloatSimilarities#preferred()}, SIMD where the JVM has the Vector API) over random pairs of 512-d vectors, either from 16 vectors that stay in cache (compute) or from
 * 500,000 (1 GB, as a 500k shard holds: memory). bench/store/cores.sh runs it alone, then two at once on separate CPUs.
 *
 * <p>Usage: {@code CoreScaling cache|memory SECONDS}; prints the dot products per second after a 3 s warm-up.
 */
public final class CoreScaling {

    private static final int DIM = 512;
    private static final int BATCH = 10_000;

    private CoreScaling() {
    }

    public static void main(String[] args) {
        String mode = args[0];
        long seconds = Long.parseLong(args[1]);
        int count = switch (mode) {
            case "cache" -> 16;
            case "memory" -> 500_000;
            default -> throw new IllegalArgumentException("mode is cache or memory, not " + mode);
        };
        SplittableRandom random = new SplittableRandom(42);
        float[][] vectors = new float[count][DIM];
        for (float[] vector : vectors) {
            for (int i = 0; i < DIM; i++) {
                vector[i] = (float) random.nextDouble();
            }
        }
        FloatSimilarity similarity = FloatSimilarities.preferred();
        double sink = 0;
        long warm = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warm) {
            sink += batch(similarity, vectors, random);
        }
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long dots = 0;
        long now;
        do {
            sink += batch(similarity, vectors, random);
            dots += BATCH;
            now = System.nanoTime();
        } while (now < end);
        // The sum is printed so the JIT cannot drop the dot products; one println per result, so two copies started
        // at once do not interleave their lines.
        System.out.println(String.format(Locale.ROOT, "%s, %s: %.0f dot products/s (sum %.1f)", mode, similarity,
                dots / ((now - start) / 1e9), sink));
    }

    private static double batch(FloatSimilarity similarity, float[][] vectors, SplittableRandom random) {
        double sum = 0;
        for (int k = 0; k < BATCH; k++) {
            sum += similarity.dotProduct(vectors[random.nextInt(vectors.length)],
                    vectors[random.nextInt(vectors.length)]);
        }
        return sum;
    }
}

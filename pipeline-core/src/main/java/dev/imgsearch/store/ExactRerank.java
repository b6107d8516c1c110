package dev.imgsearch.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Re-ranks approximate nearest-neighbour candidates by exact cosine similarity, as VekterDB does with
 * {@code k_extra_neighbors}: an index scores candidates cheaply (a graph walk, int8 codes), and the stored full
 * vectors decide the final order and scores.
 */
public final class ExactRerank {

    private ExactRerank() {
    }

    /** A candidate with its exact score. */
    public record Ranked<T>(T item, double score) {
    }

    /** The best {@code k} candidates scoring at least {@code minScore}, best first; ties keep candidate order. */
    public static <T> List<Ranked<T>> topK(
            float[] query, List<T> candidates, Function<T, float[]> vectorOf, int k, double minScore) {
        List<Ranked<T>> ranked = new ArrayList<>(candidates.size());
        for (T candidate : candidates) {
            double score = Vectors.cosine(query, vectorOf.apply(candidate));
            if (score >= minScore) {
                ranked.add(new Ranked<>(candidate, score));
            }
        }
        ranked.sort(Comparator.comparingDouble((Ranked<T> r) -> r.score).reversed());
        return ranked.size() > k ? List.copyOf(ranked.subList(0, k)) : List.copyOf(ranked);
    }
}

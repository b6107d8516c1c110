package dev.imgsearch.serve;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.Vectors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * clip-retrieval's {@code deduplicate}: results that show the same image as a better-ranked one are dropped. Same
 * image means identical bytes (the {@code sha256} of the record), or, among the results a client sees with their
 * metadata, embeddings with a cosine similarity of at least {@value #SAME_IMAGE_COSINE}, clip-retrieval's own
 * threshold. Comparing embeddings needs each result's vector from the store, so it stops once {@code shown} results
 * are kept; the ones after are compared by bytes only.
 */
final class NearDuplicates {

    static final double SAME_IMAGE_COSINE = 0.94;

    private NearDuplicates() {
    }

    /**
     * @param hits    best first
     * @param shown   how many results the client sees with metadata, the ones compared by embedding
     * @param vectors the stored vector of a result
     */
    static List<SearchHit> drop(List<SearchHit> hits, int shown, Function<String, float[]> vectors) {
        List<SearchHit> kept = new ArrayList<>();
        List<float[]> keptVectors = new ArrayList<>();
        Set<Object> digests = new HashSet<>();
        for (SearchHit hit : hits) {
            Object digest = hit.metadata().get(MetadataSchema.SHA256);
            if (digest != null && !digests.add(digest)) {
                continue;
            }
            if (kept.size() < shown) {
                float[] vector = vectors.apply(hit.id());
                if (keptVectors.stream().anyMatch(v -> Vectors.cosine(v, vector) >= SAME_IMAGE_COSINE)) {
                    continue;
                }
                keptVectors.add(vector);
            }
            kept.add(hit);
        }
        return kept;
    }
}

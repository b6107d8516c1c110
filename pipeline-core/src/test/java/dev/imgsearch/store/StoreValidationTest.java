package dev.imgsearch.store;

import dev.imgsearch.record.EmbeddingRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What `imgsearch validate` reports, against a brute force written here the plain way. */
class StoreValidationTest {

    private static final int DIM = 16;
    private static final int K = 10;

    @TempDir
    Path tmp;

    @Test
    void recallAndSelfRetrievalMatchAPlainBruteForceOverSeveralBlocks() {
        // More embeddings than one block of the exact pass, and not a multiple of it, so the last block is partial.
        List<EmbeddingRecord> all = embeddings(9_000, new Random(7));
        Set<String> missing = new HashSet<>();
        try (VectorStore store = StoreUri.parse("lucene:" + tmp.resolve("flat") + "?kind=flat")
                .open(OpenMode.CREATE_OR_WRITE)) {
            List<VectorRecord> kept = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (i % 3 == 0) {
                    missing.add(all.get(i).id());
                } else {
                    kept.add(VectorRecord.of(all.get(i)));
                }
            }
            store.upsert(kept);
            List<EmbeddingRecord> sample = all.subList(0, 40);

            StoreValidation.Result result = StoreValidation.run(store, sample, all.iterator(), SearchRequest.top(K));

            double expectedRecall = 0;
            int expectedSelf = 0;
            for (EmbeddingRecord query : sample) {
                List<String> exact = bruteForce(query, all);
                expectedRecall += exact.stream().filter(id -> !missing.contains(id)).count() / (double) K;
                expectedSelf += missing.contains(query.id()) ? 0 : 1;
            }
            assertEquals(40, result.queries());
            assertEquals(expectedRecall / 40, result.recallAtK(), 1e-9);
            assertEquals(expectedSelf / 40.0, result.selfRetrieval(), 1e-9);
            assertTrue(result.recallAtK() < 1, "a third of the store is missing: " + result.recallAtK());
            assertTrue(result.p50QueryMillis() <= result.p99QueryMillis());
        }
    }

    @Test
    void aFaithfulStoreHasRecallOne() {
        List<EmbeddingRecord> all = embeddings(5_000, new Random(11));
        try (VectorStore store = StoreUri.parse("lucene:" + tmp.resolve("whole") + "?kind=flat")
                .open(OpenMode.CREATE_OR_WRITE)) {
            store.upsert(all.stream().map(VectorRecord::of).toList());
            StoreValidation.Result result = StoreValidation.run(store, all.subList(100, 120), all.iterator(),
                    SearchRequest.top(K));
            assertEquals(1.0, result.recallAtK(), 1e-12);
            assertEquals(1.0, result.selfRetrieval(), 1e-12);
        }
    }

    @Test
    void nothingToValidateIsRefused() {
        try (VectorStore store = StoreUri.parse("lucene:" + tmp.resolve("empty") + "?kind=flat")
                .open(OpenMode.CREATE_OR_WRITE)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StoreValidation.run(store, List.of(), List.<EmbeddingRecord>of().iterator(),
                            SearchRequest.top(K)));
            assertTrue(e.getMessage().contains("empty"), e.getMessage());
        }
    }

    private static List<String> bruteForce(EmbeddingRecord query, List<EmbeddingRecord> all) {
        return all.stream()
                .sorted(Comparator.comparingDouble((EmbeddingRecord r) -> -dot(query.embedding(), r.embedding())))
                .limit(K)
                .map(EmbeddingRecord::id)
                .collect(Collectors.toList());
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static List<EmbeddingRecord> embeddings(int n, Random random) {
        List<EmbeddingRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = new float[DIM];
            double norm = 0;
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) random.nextGaussian();
                norm += v[d] * v[d];
            }
            for (int d = 0; d < DIM; d++) {
                v[d] /= (float) Math.sqrt(norm);
            }
            records.add(new EmbeddingRecord("id-" + i, "file:/img/" + i + ".png", 1, 1, "sha-" + i, "test-model", v,
                    null));
        }
        return records;
    }
}

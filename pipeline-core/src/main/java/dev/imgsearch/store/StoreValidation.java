package dev.imgsearch.store;

import dev.imgsearch.record.EmbeddingRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Checks a store against its source embeddings, as NanoDB's {@code --validate} does and more:
 * <ul>
 *   <li>self-retrieval: searching with a record's own vector finds that record (or an exact duplicate) first;</li>
 *   <li>recall@k: the share of the exact top k (brute force over every embedding) that the store returns;</li>
 *   <li>query latency, p50 and p99, of a warm store: timed after the same queries ran once.</li>
 * </ul>
 */
public final class StoreValidation {

    /** Vectors this close count as the same image: duplicates legitimately tie for first place. */
    private static final double DUPLICATE_SCORE = 1 - 1e-6;

    /**
     * @param queries         how many sample records were searched for
     * @param k               the k of recall@k
     * @param selfRetrieval   share of queries whose first hit was the record itself or an exact duplicate
     * @param recallAtK       mean share of the exact top k found by the store
     * @param p50QueryMillis  median store search time, warm
     * @param p99QueryMillis  99th percentile store search time, warm
     */
    public record Result(int queries, int k, double selfRetrieval, double recallAtK, double p50QueryMillis,
            double p99QueryMillis) {
    }

    private StoreValidation() {
    }

    /**
     * @param store    the store under test
     * @param sample   the records to search for (a sample of {@code all})
     * @param all      every embedding the store was built from, streamed once for the exact answer
     * @param request  search settings (k, extra neighbours) as a user would query
     */
    public static Result run(VectorStore store, List<EmbeddingRecord> sample, Iterator<EmbeddingRecord> all,
            SearchRequest request) {
        if (sample.isEmpty()) {
            throw new IllegalArgumentException("nothing to validate: the embeddings are empty");
        }
        int k = request.k();
        List<PriorityQueue<Scored>> exact = new ArrayList<>();
        for (int i = 0; i < sample.size(); i++) {
            exact.add(new PriorityQueue<>());
        }
        while (all.hasNext()) {
            EmbeddingRecord candidate = all.next();
            for (int q = 0; q < sample.size(); q++) {
                PriorityQueue<Scored> best = exact.get(q);
                best.add(new Scored(candidate.id(), dot(sample.get(q).embedding(), candidate.embedding())));
                if (best.size() > k) {
                    best.poll();
                }
            }
        }
        // Untimed first: a JVM's first searches run in the interpreter and fault the index files in (the first two of
        // a 100k store took 272 and 91 ms, against a 2.9 ms median), which is start-up, not the latency a serving
        // store answers with.
        for (EmbeddingRecord query : sample) {
            store.search(query.embedding(), request);
        }
        int self = 0;
        double recall = 0;
        long[] nanos = new long[sample.size()];
        for (int q = 0; q < sample.size(); q++) {
            EmbeddingRecord query = sample.get(q);
            long started = System.nanoTime();
            List<SearchHit> hits = store.search(query.embedding(), request);
            nanos[q] = System.nanoTime() - started;
            if (!hits.isEmpty() && (hits.get(0).id().equals(query.id()) || hits.get(0).score() >= DUPLICATE_SCORE)) {
                self++;
            }
            Set<String> truth = new HashSet<>();
            exact.get(q).forEach(s -> truth.add(s.id()));
            long found = hits.stream().filter(h -> truth.contains(h.id())).count();
            recall += truth.isEmpty() ? 1 : (double) found / truth.size();
        }
        int n = sample.size();
        Arrays.sort(nanos);
        return new Result(n, k, (double) self / n, recall / n, percentile(nanos, 0.50), percentile(nanos, 0.99));
    }

    private static double percentile(long[] sortedNanos, double p) {
        int index = (int) Math.ceil(p * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }

    private static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings of different dimensions: " + a.length + " and " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private record Scored(String id, double score) implements Comparable<Scored> {
        @Override
        public int compareTo(Scored other) {
            return Double.compare(score, other.score);
        }
    }
}

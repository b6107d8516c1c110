package dev.imgsearch.store;

import dev.imgsearch.record.EmbeddingRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.IntStream;

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

    /** Embeddings scored per parallel step of the exact pass: enough work per step to amortise the fan-out. */
    private static final int EXACT_BLOCK = 4096;

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
        List<TopK> exact = new ArrayList<>();
        for (int i = 0; i < sample.size(); i++) {
            exact.add(new TopK(k));
        }
        // In blocks, each scored against every query on all cores: the exact pass is sample × all dot products
        // (10^11 multiply-adds for 200 queries over 1M × 512), the whole cost of validating a large store.
        List<EmbeddingRecord> block = new ArrayList<>(EXACT_BLOCK);
        while (all.hasNext()) {
            block.add(all.next());
            if (block.size() == EXACT_BLOCK || !all.hasNext()) {
                List<EmbeddingRecord> scored = block;
                IntStream.range(0, sample.size()).parallel().forEach(q -> {
                    float[] query = sample.get(q).embedding();
                    TopK best = exact.get(q);
                    for (EmbeddingRecord candidate : scored) {
                        best.offer(candidate.id(), dot(query, candidate.embedding()));
                    }
                });
                block = new ArrayList<>(EXACT_BLOCK);
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
            exact.get(q).best.forEach(s -> truth.add(s.id()));
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

    /** The k best seen so far; allocates only for a candidate that enters. */
    private static final class TopK {
        private final int k;
        private final PriorityQueue<Scored> best;

        TopK(int k) {
            this.k = k;
            this.best = new PriorityQueue<>(k + 1);
        }

        void offer(String id, double score) {
            if (best.size() < k) {
                best.add(new Scored(id, score));
            } else if (score > best.peek().score()) {
                best.poll();
                best.add(new Scored(id, score));
            }
        }
    }

    private record Scored(String id, double score) implements Comparable<Scored> {
        @Override
        public int compareTo(Scored other) {
            return Double.compare(score, other.score);
        }
    }
}

package dev.imgsearch.bench.store;

import dev.imgsearch.embed.Embeddings;
import dev.imgsearch.record.EmbeddingRecord;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.apache.hadoop.conf.Configuration;

/**
 * JVector, the other maintained Java ANN library, as a peer of the Lucene store (bench/store/build.sh SIDES=jvector).
 *
 * <p>Reads the embeddings `imgsearch build` reads, builds a JVector graph over them in memory (dot product, as the
 * Lucene store scores unit vectors; JVector's own defaults of neighbour overflow 1.2 and alpha 1.2; THREADS threads),
 * then measures what `imgsearch validate --sample 200 -k 10` measures, on the same 200 records (its reservoir sample,
 * seed 1): recall@10 against the exact top 10, and the p50/p99 of warm searches, each exploring 100 candidates as the
 * Lucene store's default search does. Prints one line of figures in hnswlib_build.py's format.
 *
 * <p>Arguments: DIR DEGREE BEAM THREADS (DIR: a MakeEmbeddings folder; DEGREE and BEAM: the graph's M and
 * construction beam width).
 */
public final class JVectorBench {

    private static final int SAMPLE = 200;
    private static final int K = 10;
    /** The Lucene store's default: k plus its extra neighbours, re-ranked exactly (LuceneIndexSettings). */
    private static final int CANDIDATES = 100;
    private static final float NEIGHBOR_OVERFLOW = 1.2f;
    private static final float ALPHA = 1.2f;

    private JVectorBench() {
    }

    public static void main(String[] args) throws Exception {
        String dir = args[0];
        int degree = Integer.parseInt(args[1]);
        int beam = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        VectorTypeSupport types = VectorizationProvider.getInstance().getVectorTypeSupport();

        Embeddings embeddings = Embeddings.at(dir, new Configuration());
        List<VectorFloat<?>> vectors = new ArrayList<>();
        List<float[]> raw = new ArrayList<>();
        Iterator<EmbeddingRecord> rows = embeddings.read();
        while (rows.hasNext()) {
            float[] v = rows.next().embedding();
            raw.add(v);
            vectors.add(types.createFloatVector(v));
        }
        int n = vectors.size();
        RandomAccessVectorValues values = new ListRandomAccessVectorValues(vectors, vectors.get(0).length());
        VectorSimilarityFunction similarity = VectorSimilarityFunction.DOT_PRODUCT;

        ForkJoinPool pool = new ForkJoinPool(threads);
        long started = System.nanoTime();
        OnHeapGraphIndex graph;
        try (GraphIndexBuilder builder = new GraphIndexBuilder(
                BuildScoreProvider.randomAccessScoreProvider(values, similarity), values.dimension(), degree, beam,
                NEIGHBOR_OVERFLOW, ALPHA, pool, pool)) {
            graph = builder.build(values);
        }
        double buildSeconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();

        int[] queries = reservoir(n, new Random(1));
        double recall = 0;
        long[] nanos = new long[queries.length];
        try (GraphSearcher searcher = new GraphSearcher(graph)) {
            // Untimed first, as StoreValidation: the first searches run in the interpreter.
            for (int q : queries) {
                search(searcher, vectors.get(q), values, similarity);
            }
            for (int i = 0; i < queries.length; i++) {
                int q = queries[i];
                long t = System.nanoTime();
                SearchResult result = search(searcher, vectors.get(q), values, similarity);
                nanos[i] = System.nanoTime() - t;
                Set<Integer> truth = exactTop(raw, raw.get(q));
                long found = Arrays.stream(result.getNodes()).filter(s -> truth.contains(s.node)).count();
                recall += (double) found / truth.size();
            }
        }
        Arrays.sort(nanos);
        System.out.printf("jvector d%d/b%d (%s): %d vectors built in %.1f s = %.0f vectors/s on %d threads; "
                        + "query p50 %.2f ms p99 %.2f ms; recall@%d %.3f%n",
                degree, beam, VectorizationProvider.getInstance().getClass().getSimpleName(), n, buildSeconds,
                n / buildSeconds, threads, percentile(nanos, 0.50), percentile(nanos, 0.99), K, recall / queries.length);
    }

    private static SearchResult search(GraphSearcher searcher, VectorFloat<?> query, RandomAccessVectorValues values,
            VectorSimilarityFunction similarity) {
        return searcher.search(SearchScoreProvider.exact(query, similarity, values), K, CANDIDATES, 0f, 0f, Bits.ALL);
    }

    /** ValidateCommand's reservoir sample, so both sides search for the same records. */
    private static int[] reservoir(int n, Random random) {
        int[] chosen = new int[Math.min(SAMPLE, n)];
        int size = 0;
        for (long seen = 1; seen <= n; seen++) {
            if (size < chosen.length) {
                chosen[size++] = (int) (seen - 1);
            } else {
                long slot = (long) (random.nextDouble() * seen);
                if (slot < chosen.length) {
                    chosen[(int) slot] = (int) (seen - 1);
                }
            }
        }
        return chosen;
    }

    private static Set<Integer> exactTop(List<float[]> all, float[] query) {
        PriorityQueue<double[]> best = new PriorityQueue<>(K + 1, (a, b) -> Double.compare(a[1], b[1]));
        for (int i = 0; i < all.size(); i++) {
            double score = dot(query, all.get(i));
            if (best.size() < K) {
                best.add(new double[] {i, score});
            } else if (score > best.peek()[1]) {
                best.poll();
                best.add(new double[] {i, score});
            }
        }
        Set<Integer> ids = new HashSet<>();
        best.forEach(s -> ids.add((int) s[0]));
        return ids;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double percentile(long[] sortedNanos, double p) {
        int index = (int) Math.ceil(p * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }
}

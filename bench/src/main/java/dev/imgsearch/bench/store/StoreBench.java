package dev.imgsearch.bench.store;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.Vectors;
import dev.imgsearch.store.chroma.ChromaStoreOptions;
import dev.imgsearch.store.chroma.ChromaVectorStore;
import dev.imgsearch.store.lucene.LuceneIndexKind;
import dev.imgsearch.store.lucene.LuceneIndexSettings;
import dev.imgsearch.store.lucene.LuceneVectorStore;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Loads random-but-clustered vectors into each store and reports ingest rate, query latency and recall@k against
 * exact search. Run through {@code bench/store/run.sh}; options are {@code --name=value}:
 * vectors, dim, clusters, spread, queries, k, batch, extras (comma-separated extraNeighbors to try), stores
 * (comma-separated: lucene-flat, lucene-hnsw, lucene-hnsw-int8, chroma), chroma (server URL), dir (work directory).
 */
public final class StoreBench {

    private StoreBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "vectors", "100000", "dim", "512", "clusters", "1000", "spread", "0.5", "queries", "500", "k", "10",
                "batch", "1000", "extras", "0,20", "stores", "lucene-flat,lucene-hnsw,lucene-hnsw-int8,chroma"));
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "true");
        }
        int n = Integer.parseInt(options.get("vectors"));
        int dim = Integer.parseInt(options.get("dim"));
        int k = Integer.parseInt(options.get("k"));
        int batch = Integer.parseInt(options.get("batch"));
        Path dir = Files.createDirectories(Path.of(options.getOrDefault("dir",
                Files.createTempDirectory("store-bench").toString())));
        System.out.println("# options " + options + ", JVM " + Runtime.version() + ", cores "
                + Runtime.getRuntime().availableProcessors());

        Random random = new Random(42);
        float[][] centres = new float[Integer.parseInt(options.get("clusters"))][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = gaussian(random, dim, 1f, null);
        }
        float spread = Float.parseFloat(options.get("spread"));
        List<VectorRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(new VectorRecord("v" + i, gaussian(random, dim, spread, centres[random.nextInt(centres.length)]),
                    Map.of(MetadataSchema.URI, "bench:" + i, MetadataSchema.WIDTH, (long) (i % 1000))));
        }
        float[][] queries = new float[Integer.parseInt(options.get("queries"))][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = gaussian(random, dim, spread, centres[random.nextInt(centres.length)]);
        }
        long truthStart = System.nanoTime();
        List<Set<String>> truth = IntStream.range(0, queries.length).parallel()
                .mapToObj(q -> exactTopK(records, queries[q], k)).toList();
        System.out.printf("# exact top-%d of %d queries by brute force in %.1f s%n", k, queries.length,
                (System.nanoTime() - truthStart) / 1e9);

        System.out.println("| store | ingest vectors/s | extra neighbours | query p50 ms | query p99 ms | recall@" + k + " |");
        System.out.println("|---|---|---|---|---|---|");
        for (String name : options.get("stores").split(",")) {
            try (VectorStore store = open(name, dir, options)) {
                long start = System.nanoTime();
                for (int from = 0; from < n; from += batch) {
                    store.upsert(records.subList(from, Math.min(n, from + batch)));
                }
                double ingest = n / ((System.nanoTime() - start) / 1e9);
                if (store.count() != n) {
                    throw new IllegalStateException(name + " holds " + store.count() + " records, expected " + n);
                }
                queryRows(name, store, queries, truth, k, ingest, options);
                if (store instanceof LuceneVectorStore lucene && !name.equals("lucene-flat")) {
                    int segments = lucene.segmentCount();
                    long merge = System.nanoTime();
                    lucene.forceMerge(1);
                    System.out.printf("# %s: force-merged %d segments into 1 in %.1f s%n", name, segments,
                            (System.nanoTime() - merge) / 1e9);
                    queryRows(name + " merged", store, queries, truth, k, ingest, options);
                }
            }
        }
    }

    private static void queryRows(String name, VectorStore store, float[][] queries, List<Set<String>> truth, int k,
                                  double ingest, Map<String, String> options) {
        for (String extra : options.get("extras").split(",")) {
            SearchRequest request = SearchRequest.builder().k(k).extraNeighbors(Integer.parseInt(extra)).build();
            for (int w = 0; w < Math.min(50, queries.length); w++) {
                store.search(queries[w], request);
            }
            double[] millis = new double[queries.length];
            int found = 0;
            for (int q = 0; q < queries.length; q++) {
                long t = System.nanoTime();
                List<SearchHit> hits = store.search(queries[q], request);
                millis[q] = (System.nanoTime() - t) / 1e6;
                for (SearchHit hit : hits) {
                    found += truth.get(q).contains(hit.id()) ? 1 : 0;
                }
            }
            Arrays.sort(millis);
            System.out.printf("| %s | %.0f | %s | %.2f | %.2f | %.3f |%n", name, ingest, extra,
                    millis[millis.length / 2], millis[(int) Math.ceil(millis.length * 0.99) - 1],
                    found / (double) (k * queries.length));
        }
    }

    private static VectorStore open(String name, Path dir, Map<String, String> options) {
        if (name.equals("chroma")) {
            String url = options.get("chroma");
            if (url == null) {
                throw new IllegalArgumentException("--chroma=http://HOST:PORT is needed for the chroma store");
            }
            return ChromaVectorStore.open(URI.create(url), "bench-" + System.currentTimeMillis(),
                    OpenMode.CREATE_OR_WRITE, ChromaStoreOptions.DEFAULT);
        }
        LuceneIndexKind kind = LuceneIndexKind.parse(name.substring("lucene-".length()));
        return LuceneVectorStore.open(dir.resolve(name + "-" + System.currentTimeMillis()), OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.builder().kind(kind).build(), LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
    }

    private static Set<String> exactTopK(List<VectorRecord> records, float[] query, int k) {
        String[] ids = new String[k];
        double[] scores = new double[k];
        Arrays.fill(scores, Double.NEGATIVE_INFINITY);
        for (VectorRecord record : records) {
            double score = Vectors.cosine(query, record.vector());
            if (score > scores[k - 1]) {
                int i = k - 1;
                while (i > 0 && scores[i - 1] < score) {
                    scores[i] = scores[i - 1];
                    ids[i] = ids[i - 1];
                    i--;
                }
                scores[i] = score;
                ids[i] = record.id();
            }
        }
        return new HashSet<>(Arrays.asList(ids));
    }

    private static float[] gaussian(Random random, int dim, float sigma, float[] around) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (around == null ? 0 : around[i]) + sigma * (float) random.nextGaussian();
        }
        return v;
    }
}

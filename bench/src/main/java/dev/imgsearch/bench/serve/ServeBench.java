package dev.imgsearch.bench.serve;

import dev.imgsearch.model.ClipModel;
import dev.imgsearch.serve.SearchServer;
import dev.imgsearch.serve.ServerConfig;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Text-query latency and throughput of the whole service (HTTP, text embedding, store search) at a store size,
 * for each store URI given. The store is filled with vectors clustered around real text embeddings of the model, so
 * queries land in populated regions as they would on real data.
 *
 * <p>Run by bench/serve/run.sh. Options: {@code --model=DIR} (default: the tiny test model), {@code --vectors}, {@code --clients},
 * {@code --seconds}, {@code --k}, {@code --store} (repeatable; an existing store is reused when it already holds
 * enough vectors).
 */
public final class ServeBench {

    private static final String[] TEXTS = {
        "a dog running on the beach", "a red sports car", "a bowl of fresh fruit", "a city skyline at night",
        "an old rotary telephone", "a cat sleeping on a sofa", "mountains covered in snow", "a plate of pasta",
        "a child flying a kite", "a vintage bicycle", "a lighthouse in a storm", "a cup of coffee",
        "a tropical bird", "a desk with a laptop", "fireworks over a river", "a bridge in the fog",
    };

    private ServeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of("pipeline-core/src/test/resources/tiny-clip");
        int vectors = 100_000;
        int clients = 8;
        int seconds = 20;
        int k = 10;
        List<String> stores = new ArrayList<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            switch (pair[0]) {
                case "model" -> model = Path.of(pair[1]);
                case "vectors" -> vectors = Integer.parseInt(pair[1]);
                case "clients" -> clients = Integer.parseInt(pair[1]);
                case "seconds" -> seconds = Integer.parseInt(pair[1]);
                case "k" -> k = Integer.parseInt(pair[1]);
                case "store" -> stores.add(pair[1]);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (stores.isEmpty()) {
            throw new IllegalArgumentException("give at least one --store=URI");
        }
        System.out.printf("# %d vectors, %d clients, %d s, k=%d, JVM %s, %d cores%n", vectors, clients, seconds, k,
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        try (ClipModel clip = ClipModel.load(model)) {
            float[][] centres = clip.embedTexts(List.of(TEXTS));
            for (String uri : stores) {
                try (VectorStore store = StoreUri.parse(uri).open(OpenMode.CREATE_OR_WRITE)) {
                    fill(store, clip, centres, vectors);
                    directSearch(uri, store, clip, k);
                    overHttp(uri, store, clip, clients, seconds, k);
                }
            }
        }
    }

    private static void fill(VectorStore store, ClipModel clip, float[][] centres, int vectors) {
        long have = store.count();
        if (have >= vectors) {
            System.out.printf("%s: reusing %d vectors%n", store.getClass().getSimpleName(), have);
            return;
        }
        Random random = new Random(7);
        int dim = clip.descriptor().embeddingDim();
        long start = System.nanoTime();
        List<VectorRecord> batch = new ArrayList<>();
        for (int i = (int) have; i < vectors; i++) {
            float[] centre = centres[random.nextInt(centres.length)];
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = centre[d] + (float) (random.nextGaussian() * 0.6 / Math.sqrt(dim));
            }
            byte[] sha = new byte[32];
            random.nextBytes(sha);
            batch.add(new VectorRecord("b" + i, v, Map.of(
                    MetadataSchema.URI, "file:///bench/img-" + i + ".jpg", MetadataSchema.WIDTH, 640L,
                    MetadataSchema.HEIGHT, 480L, MetadataSchema.SHA256, HexFormat.of().formatHex(sha),
                    MetadataSchema.MODEL, clip.descriptor().name())));
            if (batch.size() == 1000) {
                store.upsert(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            store.upsert(batch);
        }
        // As `imgsearch build` leaves a store: compacted after the bulk load (one Lucene segment).
        store.compact();
        System.out.printf("%s: loaded %d vectors and compacted in %.1f s%n", store.getClass().getSimpleName(),
                vectors - have, (System.nanoTime() - start) / 1e9);
    }

    private static void directSearch(String uri, VectorStore store, ClipModel clip, int k) {
        List<Long> nanos = new ArrayList<>();
        float[][] queries = clip.embedTexts(List.of(TEXTS));
        for (int round = 0; round < 30; round++) {
            for (float[] q : queries) {
                long t0 = System.nanoTime();
                store.search(q, SearchRequest.top(k + 1));
                if (round >= 5) {
                    nanos.add(System.nanoTime() - t0);
                }
            }
        }
        System.out.printf("%s direct store.search, 1 thread: p50 %.2f ms, p99 %.2f ms%n", uri,
                percentile(nanos, 0.50), percentile(nanos, 0.99));
    }

    private static void overHttp(String uri, VectorStore store, ClipModel clip, int clients, int seconds, int k)
            throws Exception {
        ServerConfig config = ServerConfig.builder().port(0).maxK(Math.max(k, ServerConfig.DEFAULT_MAX_K)).build();
        try (SearchServer server = new SearchServer(config, store, CompletableFuture.completedFuture(clip)).start()) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String base = "http://127.0.0.1:" + server.port() + "/api/search?k=" + k + "&text=";
            run(http, base, clients, 3, null);
            List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
            AtomicLong errors = new AtomicLong();
            long start = System.nanoTime();
            run(http, base, clients, seconds, new Sink(nanos, errors));
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s over HTTP, %d clients: %d queries in %.1f s = %.0f QPS, p50 %.2f ms, p99 %.2f ms, "
                            + "errors %d%n", uri, clients, nanos.size(), elapsed, nanos.size() / elapsed,
                    percentile(nanos, 0.50), percentile(nanos, 0.99), errors.get());
        }
    }

    private record Sink(List<Long> nanos, AtomicLong errors) {
    }

    private static void run(HttpClient http, String base, int clients, int seconds, Sink sink) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                int i = client;
                while (System.nanoTime() < deadline) {
                    String text = TEXTS[i++ % TEXTS.length] + " " + (i % 7);
                    HttpRequest request = HttpRequest.newBuilder(
                            URI.create(base + URLEncoder.encode(text, StandardCharsets.UTF_8))).GET().build();
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (sink != null) {
                            sink.nanos().add(System.nanoTime() - t0);
                            if (response.statusCode() != 200) {
                                sink.errors().incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        if (sink != null) {
                            sink.errors().incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> f : futures) {
            f.get();
        }
    }

    private static double percentile(List<Long> nanos, double p) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p))) / 1e6;
    }
}

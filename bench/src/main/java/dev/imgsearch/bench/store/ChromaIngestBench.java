package dev.imgsearch.bench.store;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Chroma server's ingest ceiling: vectors/s upserted by 1, 2, 4 ... concurrent writers, each with its own store
 * client as a build's Spark tasks have, at several records per request. Every setting loads the same clustered vectors
 * (as {@link MakeEmbeddings}: 1000 centres, noise 0.5, image metadata) into a fresh collection, so each starts empty.
 * Run through {@code bench/store/ingest-ceiling.sh}; options {@code --name=value}: chroma (server URL), vectors, dim,
 * writers and batches (comma-separated), rounds (each setting measured this many times, in rotating order).
 */
public final class ChromaIngestBench {

    private ChromaIngestBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "vectors", "20000", "dim", "512", "writers", "1,2,4", "batches", "250,1000,5461", "rounds", "1"));
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "true");
        }
        String server = options.get("chroma");
        List<VectorRecord> records = records(Integer.parseInt(options.get("vectors")),
                Integer.parseInt(options.get("dim")));
        List<int[]> settings = new ArrayList<>();
        for (String writers : options.get("writers").split(",")) {
            for (String batch : options.get("batches").split(",")) {
                settings.add(new int[] {Integer.parseInt(writers), Integer.parseInt(batch)});
            }
        }
        System.out.println("# options " + options + ", JVM " + Runtime.version() + ", cores "
                + Runtime.getRuntime().availableProcessors());
        System.out.println("| round | writers | records per request | seconds | vectors/s |");
        System.out.println("|---|---|---|---|---|");
        int rounds = Integer.parseInt(options.get("rounds"));
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < settings.size(); i++) {
                int[] setting = settings.get((i + round) % settings.size());
                String collection = String.format(Locale.ROOT, "ingest-r%d-w%d-b%d", round, setting[0], setting[1]);
                double seconds = ingest("chroma:" + server + "/" + collection, records, setting[0], setting[1]);
                System.out.printf(Locale.ROOT, "| %d | %d | %d | %.1f | %.0f |%n", round + 1, setting[0], setting[1],
                        seconds, records.size() / seconds);
            }
        }
    }

    /** Seconds to upsert every record through {@code writers} clients, each its contiguous share in batches. */
    private static double ingest(String uri, List<VectorRecord> records, int writers, int batch) throws Exception {
        StoreUri store = StoreUri.parse(uri);
        store.open(OpenMode.CREATE_OR_WRITE).close();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            int share = (records.size() + writers - 1) / writers;
            for (int w = 0; w < writers; w++) {
                List<VectorRecord> mine = records.subList(Math.min(records.size(), w * share),
                        Math.min(records.size(), (w + 1) * share));
                running.add(pool.submit(() -> {
                    try (VectorStore writer = store.open(OpenMode.WRITE_EXISTING)) {
                        for (int from = 0; from < mine.size(); from += batch) {
                            writer.upsert(mine.subList(from, Math.min(mine.size(), from + batch)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> writer : running) {
                writer.get();
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        try (VectorStore check = store.open(OpenMode.READ_ONLY)) {
            if (check.count() != records.size()) {
                throw new IllegalStateException(uri + " holds " + check.count() + " records, not " + records.size());
            }
        }
        return seconds;
    }

    private static List<VectorRecord> records(int n, int dim) {
        Random random = new Random(7);
        float[][] centres = new float[1000][dim];
        for (float[] c : centres) {
            for (int i = 0; i < dim; i++) {
                c[i] = (float) random.nextGaussian();
            }
        }
        List<VectorRecord> records = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            float[] centre = centres[random.nextInt(centres.length)];
            float[] v = new float[dim];
            for (int i = 0; i < dim; i++) {
                v[i] = centre[i] + (float) (0.5 * random.nextGaussian());
            }
            String uri = "file:/bench/img-" + r + ".png";
            records.add(new VectorRecord(String.format(Locale.ROOT, "%032x", r), v, Map.of(MetadataSchema.URI, uri,
                    MetadataSchema.WIDTH, 640L, MetadataSchema.HEIGHT, 480L,
                    MetadataSchema.SHA256, String.format(Locale.ROOT, "%064x", r), MetadataSchema.MODEL, "bench")));
        }
        return records;
    }
}

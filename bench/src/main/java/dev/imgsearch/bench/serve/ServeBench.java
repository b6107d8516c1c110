package dev.imgsearch.bench.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.model.ClipModel;
import dev.imgsearch.model.ModelDescriptor;
import dev.imgsearch.serve.SearchServer;
import dev.imgsearch.serve.ServerConfig;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Query latency and throughput of the whole service over HTTP (text embedding or image decoding and embedding, store
 * search, JSON) at a store size, with one model: text queries at 1 client against image queries (a 1920x1539 JPEG)
 * on the same server; text queries at N clients, each text distinct (no cache hits) and repeated from a set of 16
 * (the cache answers). The text phases run twice: with the model as it is, and with the same weights under a
 * descriptor that keeps padding every text to 77 tokens, so the gain of cutting batches short is measured in the
 * same run. The store is filled with vectors clustered around real text embeddings of the model, so queries land in
 * populated regions as they would on real data, and is kept for the next run.
 *
 * <p>Run by bench/serve/run.sh. Options: {@code --model=DIR} (default: the tiny test model), {@code --vectors},
 * {@code --clients}, {@code --seconds} (per phase), {@code --k}, {@code --store=URI} (reused when it already holds
 * enough vectors), {@code --work=DIR} (scratch space for the padded copy of the model).
 */
public final class ServeBench {

    private static final String[] TEXTS = {
        "a dog running on the beach", "a red sports car", "a bowl of fresh fruit", "a city skyline at night",
        "an old rotary telephone", "a cat sleeping on a sofa", "mountains covered in snow", "a plate of pasta",
        "a child flying a kite", "a vintage bicycle", "a lighthouse in a storm", "a cup of coffee",
        "a tropical bird", "a desk with a laptop", "fireworks over a river", "a bridge in the fog",
    };
    /** Distinct queries are made of these: 20 x 20 x 20 short phrases like "a red dog on the beach", as people type. */
    private static final String[] COLOURS = {"red", "blue", "green", "yellow", "black", "white", "brown", "grey",
        "orange", "purple", "pink", "golden", "silver", "dark", "bright", "old", "small", "large", "wooden", "shiny"};
    private static final String[] THINGS = {"dog", "cat", "car", "bicycle", "house", "bird", "boat", "horse", "tree",
        "chair", "lamp", "train", "flower", "guitar", "clock", "bridge", "kite", "cake", "shoe", "umbrella"};
    private static final String[] PLACES = {"on the beach", "in the snow", "at night", "in a park", "on a table",
        "in the city", "by a river", "in the rain", "on a hill", "in a garden", "at sunset", "in a forest",
        "on the street", "in a kitchen", "under a bridge", "near the sea", "in the desert", "on a shelf",
        "in a field", "at the market"};
    private static final Pattern BATCH_SUM = Pattern.compile("(?m)^imgsearch_text_batch_size_sum ([0-9.eE+-]+)$");
    private static final Pattern BATCH_COUNT = Pattern.compile("(?m)^imgsearch_text_batch_size_count ([0-9.eE+-]+)$");

    private ServeBench() {
    }

    /** One phase's figures. */
    private record Phase(String name, int clients, long queries, double seconds, double p50, double p99, long errors,
                         double textsPerPass) {

        double qps() {
            return queries / seconds;
        }

        void print() {
            System.out.printf("%-44s %2d clients: %6d queries in %5.1f s = %6.1f QPS, p50 %7.2f ms, p99 %7.2f ms, "
                            + "errors %d%s%n", name, clients, queries, seconds, qps(), p50, p99, errors,
                    Double.isNaN(textsPerPass) ? "" : String.format(", %.2f texts per text-tower pass", textsPerPass));
        }
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of("pipeline-core/src/test/resources/tiny-clip");
        int vectors = 100_000;
        int clients = 8;
        int seconds = 20;
        int k = 10;
        String storeUri = null;
        Path work = Path.of(System.getProperty("java.io.tmpdir"));
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            switch (pair[0]) {
                case "model" -> model = Path.of(pair[1]);
                case "vectors" -> vectors = Integer.parseInt(pair[1]);
                case "clients" -> clients = Integer.parseInt(pair[1]);
                case "seconds" -> seconds = Integer.parseInt(pair[1]);
                case "k" -> k = Integer.parseInt(pair[1]);
                case "store" -> storeUri = pair[1];
                case "work" -> work = Path.of(pair[1]);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (storeUri == null) {
            throw new IllegalArgumentException("give --store=URI");
        }
        System.out.printf("# %d vectors, k=%d, %d s per phase, JVM %s, %d cores%n", vectors, k, seconds,
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        byte[] photo = photo(1920, 1539);
        System.out.printf("# image queries: a synthetic 1920x1539 JPEG of %d bytes%n", photo.length);
        Path padded = paddedCopy(model, work.resolve("padded-model"));
        try (VectorStore store = StoreUri.parse(storeUri).open(OpenMode.CREATE_OR_WRITE)) {
            try (ClipModel clip = ClipModel.load(model)) {
                System.out.printf("# model %s (%s), store %s%n", clip.descriptor().name(), clip.descriptor().textPadding(),
                        storeUri);
                fill(store, clip, vectors);
                directSearch(store, clip, k);
                serve(store, clip, k, clients, seconds, photo, "");
            }
            try (ClipModel clip = ClipModel.load(padded)) {
                System.out.printf("# the same weights padded to %d tokens (%s)%n", clip.descriptor().contextLength(),
                        clip.descriptor().textPadding());
                serve(store, clip, k, clients, seconds, null, "padded to 77: ");
            }
        }
    }

    private static void serve(VectorStore store, ClipModel clip, int k, int clients, int seconds, byte[] photo,
                              String label) throws Exception {
        ServerConfig config = ServerConfig.builder().port(0).maxK(Math.max(k, ServerConfig.DEFAULT_MAX_K)).build();
        try (SearchServer server = new SearchServer(config, store, CompletableFuture.completedFuture(clip)).start()) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String base = "http://127.0.0.1:" + server.port();
            AtomicLong distinct = new AtomicLong();
            LongFunction<HttpRequest> distinctText = n -> text(base, k, distinctText(distinct.getAndIncrement()));
            LongFunction<HttpRequest> repeatedText = n -> text(base, k, TEXTS[(int) (n % TEXTS.length)]);
            run(http, base, "warm-up", clients, 3, distinctText);

            Phase text1 = run(http, base, label + "text, distinct", 1, seconds, distinctText);
            text1.print();
            if (photo != null) {
                LongFunction<HttpRequest> image = n -> HttpRequest.newBuilder(
                                URI.create(base + "/api/search/image?k=" + k))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(photo)).header("Content-Type", "image/jpeg").build();
                run(http, base, "warm-up", 1, 3, image);
                Phase image1 = run(http, base, "image (1920x1539 JPEG)", 1, seconds, image);
                image1.print();
                System.out.printf("text p50 / image p50 at 1 client: %.3f%n", text1.p50() / image1.p50());
            }
            run(http, base, label + "text, distinct", clients, seconds, distinctText).print();
            run(http, base, label + "text, repeated (16 texts)", clients, seconds, repeatedText).print();
        }
    }

    /** The n-th of 8,000 distinct short queries; a phase never sends one twice unless it sends more than 8,000. */
    private static String distinctText(long n) {
        int i = (int) (n % (COLOURS.length * THINGS.length * PLACES.length));
        return "a " + COLOURS[i % COLOURS.length] + " " + THINGS[(i / COLOURS.length) % THINGS.length] + " "
                + PLACES[i / (COLOURS.length * THINGS.length)];
    }

    private static HttpRequest text(String base, int k, String text) {
        return HttpRequest.newBuilder(URI.create(base + "/api/search?k=" + k + "&text="
                + URLEncoder.encode(text, StandardCharsets.UTF_8))).GET().build();
    }

    private static Phase run(HttpClient http, String base, String name, int clients, int seconds,
                             LongFunction<HttpRequest> requests) throws Exception {
        double[] before = passes(http, base);
        List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    HttpRequest request = requests.apply(sent.getAndIncrement());
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        nanos.add(System.nanoTime() - t0);
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        nanos.add(System.nanoTime() - t0);
                        errors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> f : futures) {
            f.get();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double[] after = passes(http, base);
        double texts = after[0] - before[0];
        double passes = after[1] - before[1];
        return new Phase(name, clients, nanos.size(), elapsed, percentile(nanos, 0.50), percentile(nanos, 0.99),
                errors.get(), passes > 0 ? texts / passes : Double.NaN);
    }

    /** Texts embedded and text-tower passes so far, from the server's metrics. */
    private static double[] passes(HttpClient http, String base) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return new double[] {value(BATCH_SUM, metrics), value(BATCH_COUNT, metrics)};
    }

    private static double value(Pattern metric, String metrics) {
        Matcher m = metric.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The model's files under a descriptor that differs only in padding every text to the context length. */
    private static Path paddedCopy(Path model, Path copy) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode descriptor = (ObjectNode) json.readTree(model.resolve(ModelDescriptor.FILE_NAME).toFile());
        descriptor.put("text_padding", "max_length");
        Files.createDirectories(copy);
        json.writeValue(copy.resolve(ModelDescriptor.FILE_NAME).toFile(), descriptor);
        for (String file : List.of(descriptor.path("model_file").asText("model.pt"),
                descriptor.path("tokenizer_file").asText("tokenizer.json"))) {
            Files.deleteIfExists(copy.resolve(file));
            Files.createSymbolicLink(copy.resolve(file), model.resolve(file).toAbsolutePath());
        }
        return copy;
    }

    /** A photo-sized JPEG: gradients, overlapping shapes and sensor-like noise, so it decodes like a photo. */
    private static byte[] photo(int width, int height) throws IOException {
        Random random = new Random(11);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(70, 120, 190), width, height, new Color(230, 200, 150)));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 120; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), 160));
            int w = 40 + random.nextInt(400);
            int h = 40 + random.nextInt(400);
            g.fillOval(random.nextInt(width), random.nextInt(height), w, h);
        }
        g.dispose();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                int noise = (int) (random.nextGaussian() * 6);
                int r = clamp(((rgb >> 16) & 0xff) + noise);
                int gr = clamp(((rgb >> 8) & 0xff) + noise);
                int b = clamp((rgb & 0xff) + noise);
                image.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static void fill(VectorStore store, ClipModel clip, int vectors) {
        long have = store.count();
        if (have >= vectors) {
            System.out.printf("# reusing the %d vectors of the store%n", have);
            return;
        }
        float[][] centres = clip.embedTexts(List.of(TEXTS));
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
        System.out.printf("# loaded %d vectors and compacted in %.1f s%n", vectors - have,
                (System.nanoTime() - start) / 1e9);
    }

    private static void directSearch(VectorStore store, ClipModel clip, int k) {
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
        System.out.printf("# store.search alone, 1 thread: p50 %.2f ms, p99 %.2f ms%n", percentile(nanos, 0.50),
                percentile(nanos, 0.99));
    }

    private static double percentile(List<Long> nanos, double p) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p))) / 1e6;
    }
}

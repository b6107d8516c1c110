package dev.imgsearch.serve;

import dev.imgsearch.decode.DecodedImage;
import dev.imgsearch.embed.ClipEmbedder;
import dev.imgsearch.model.ClipModel;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.RecordIds;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.lucene.LuceneIndexSettings;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * What every serve test needs, built once per test JVM: the real tiny CLIP model, and a real Lucene store holding the
 * embeddings of the sample images (embedded here the way the embed job does it: decode, preprocess, embed).
 */
public final class ServeFixture {

    public static final Path MODEL_DIR = Path.of("../pipeline-core/src/test/resources/tiny-clip");
    static final Path SAMPLE_IMAGES = Path.of("../samples/images");

    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    static final java.util.logging.Logger ACCESS_LOG = java.util.logging.Logger.getLogger(AccessLog.LOGGER);

    static {
        // One line per request would drown the test output; OpsTest turns it on to check it.
        ACCESS_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private static ServeFixture shared;

    public final Path workDir;
    public final Path imageRoot;
    final ClipModel model;
    final LuceneVectorStore store;
    /** Record id to the image file it was embedded from, in a stable order. */
    public final Map<String, Path> images;

    private ServeFixture() throws IOException {
        workDir = Files.createTempDirectory("imgsearch-serve-test");
        imageRoot = SAMPLE_IMAGES.toRealPath();
        model = ClipModel.load(MODEL_DIR);
        store = LuceneVectorStore.open(workDir.resolve("index"), OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.DEFAULT, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
        images = new LinkedHashMap<>();
        List<VectorRecord> records = new ArrayList<>();
        for (Path file : sampleFiles()) {
            EmbeddingRecord embedded = embed(model, file, file.getParent().getFileName().toString());
            images.put(embedded.id(), file);
            records.add(VectorRecord.of(embedded));
        }
        store.upsert(records);
    }

    public static synchronized ServeFixture get() {
        if (shared == null) {
            try {
                shared = new ServeFixture();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::release));
        }
        return shared;
    }

    /** A server over the shared store and model, started on a free loopback port. */
    SearchServer start(ServerConfig config) {
        return start(config, store);
    }

    SearchServer start(ServerConfig config, VectorStore over) {
        try {
            return new SearchServer(config, over, CompletableFuture.completedFuture(model)).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The loopback config every test starts from: images served from the samples folder. */
    ServerConfig config() {
        return ServerConfig.local(List.of(imageRoot));
    }

    public String anyId() {
        return images.keySet().iterator().next();
    }

    /** The id of the sample whose file name contains {@code part}. */
    String idOf(String part) {
        return images.entrySet().stream()
                .filter(e -> e.getValue().getFileName().toString().contains(part))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no sample image named like " + part));
    }

    /** Embeds one file exactly as the pipeline does, with its real path's file: URI as the source. */
    static EmbeddingRecord embed(ClipModel model, Path file, String caption) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ClipEmbedder embedder = ClipEmbedder.of(model);
        DecodedImage image;
        try {
            image = embedder.decode(bytes);
        } catch (dev.imgsearch.decode.ImageDecodeException e) {
            throw new IOException("sample image " + file + " does not decode", e);
        }
        float[] vector = embedder.embedPixels(new float[][] {embedder.pixels(image)})[0];
        String uri = file.toRealPath().toUri().toString();
        return new EmbeddingRecord(RecordIds.forUri(uri), uri, image.width(), image.height(),
                RecordIds.sha256Hex(bytes), model.descriptor().name(), vector, caption);
    }

    private static List<Path> sampleFiles() throws IOException {
        try (Stream<Path> files = Files.walk(SAMPLE_IMAGES)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().matches(".*\\.(png|jpg)"))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        }
    }

    private void release() {
        store.close();
        model.close();
        try (Stream<Path> paths = Files.walk(workDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp folder left behind after the JVM exits is harmless.
        }
    }
}

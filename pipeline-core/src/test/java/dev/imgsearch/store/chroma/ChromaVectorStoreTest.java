package dev.imgsearch.store.chroma;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.chroma.client.ChromaClient;
import dev.imgsearch.store.chroma.client.ChromaDatabase;
import dev.imgsearch.store.chroma.client.HnswConfiguration;
import dev.imgsearch.http.RetryPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChromaVectorStoreTest {

    @TempDir
    static Path data;

    private static ChromaServer server;

    @BeforeAll
    static void startServer() {
        server = ChromaServer.start(data.resolve("chroma"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void batchesRespectTheServersMaxBatchSize() {
        try (ChromaVectorStore store = ChromaVectorStore.open(server.url(), "max-batch", OpenMode.CREATE_OR_WRITE,
                ChromaStoreOptions.DEFAULT)) {
            int serverMax = store.maxBatchRecords();
            assertTrue(serverMax > 1 && serverMax < 100_000, "max_batch_size " + serverMax);

            store.upsert(records(serverMax + 100, 4, Map.of(), new Random(1)));

            assertEquals(serverMax + 100, store.count());
        }
    }

    @Test
    void batchesStayUnderTheRequestBodyLimit() {
        String caption = "a long caption ".repeat(1_400);
        List<VectorRecord> records = records(2_500, 4, Map.of(MetadataSchema.CAPTION, caption), new Random(2));
        long payload = (long) records.size() * caption.length();
        assertTrue(payload > 40L << 20, "the records must not fit one 40 MiB request: " + payload);

        try (ChromaVectorStore store = ChromaVectorStore.open(server.url(), "big-bodies", OpenMode.CREATE_OR_WRITE,
                ChromaStoreOptions.DEFAULT)) {
            store.upsert(records);

            assertEquals(records.size(), store.count());
            assertEquals(caption, store.get("r2499").orElseThrow().metadata().get(MetadataSchema.CAPTION));
        }
    }

    @Test
    void smallConfiguredLimitsSplitUpsertsAndDeletes() {
        ChromaStoreOptions options = ChromaStoreOptions.builder().maxBatchRecords(7).maxRequestBytes(2_048).build();
        try (ChromaVectorStore store = ChromaVectorStore.open(server.url(), "small-batches", OpenMode.CREATE_OR_WRITE,
                options)) {
            assertEquals(7, store.maxBatchRecords());
            List<VectorRecord> records = records(60, 64, Map.of(MetadataSchema.URI, "file:/x.png"), new Random(3));

            store.upsert(records);
            assertEquals(60, store.count());
            store.delete(records.subList(0, 45).stream().map(VectorRecord::id).toList());

            assertEquals(15, store.count());
        }
    }

    @Test
    void aRecordLargerThanARequestIsAnIllegalArgument() {
        ChromaStoreOptions options = ChromaStoreOptions.builder().maxBatchRecords(100).maxRequestBytes(2_048).build();
        try (ChromaVectorStore store = ChromaVectorStore.open(server.url(), "too-big", OpenMode.CREATE_OR_WRITE, options)) {
            List<VectorRecord> huge = records(1, 4, Map.of(MetadataSchema.CAPTION, "x".repeat(4_000)), new Random(4));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.upsert(huge));

            assertTrue(e.getMessage().contains("'r0'"), e.getMessage());
            assertEquals(0, store.count());
        }
    }

    @Test
    void aCollectionKeepsTheSchemaItWasCreatedWith() {
        MetadataSchema custom = MetadataSchema.IMAGES.with("photographer", MetadataSchema.FieldType.KEYWORD);
        ChromaVectorStore.open(server.url(), "schema-kept", OpenMode.CREATE_OR_WRITE,
                ChromaStoreOptions.builder().schema(custom).build()).close();

        try (ChromaVectorStore reopened = ChromaVectorStore.open(server.url(), "schema-kept", OpenMode.CREATE_OR_WRITE,
                ChromaStoreOptions.DEFAULT)) {
            assertEquals(custom, reopened.schema());
        }
    }

    @Test
    void aCollectionWithAnotherDistanceIsRefused() {
        new ChromaClient(ChromaDatabase.defaultOf(server.url()), Optional.empty(), RetryPolicy.DEFAULT,
                Duration.ofSeconds(10))
                .getOrCreateCollection("euclid", new HnswConfiguration("l2", 100, 100, 16), Map.of());

        StoreException e = assertThrows(StoreException.class,
                () -> ChromaVectorStore.open(server.url(), "euclid", OpenMode.CREATE_OR_WRITE, ChromaStoreOptions.DEFAULT));

        assertTrue(e.getMessage().contains("l2") && e.getMessage().contains("cosine"), e.getMessage());
    }

    @Test
    void aStoreUriOpensTheCollection() {
        StoreUri uri = StoreUri.parse("chroma:" + server.url() + "/from-uri?ef-search=50&m=8");
        try (VectorStore store = uri.open(OpenMode.CREATE_OR_WRITE)) {
            store.upsert(records(3, 4, Map.of(), new Random(9)));

            assertEquals("from-uri", ((ChromaVectorStore) store).collectionName());
            assertEquals(3, store.count());
        }
    }

    @Test
    void aBadCollectionNameIsAnIllegalArgument() {
        assertThrows(IllegalArgumentException.class,
                () -> ChromaVectorStore.open(server.url(), "a", OpenMode.CREATE_OR_WRITE, ChromaStoreOptions.DEFAULT));
        assertThrows(IllegalArgumentException.class,
                () -> ChromaVectorStore.open(server.url(), "has space", OpenMode.CREATE_OR_WRITE,
                        ChromaStoreOptions.DEFAULT));
    }

    @Test
    void aSecondStoreOnTheCollectionSeesTheDimensionAndRecordsOfTheFirst() {
        try (ChromaVectorStore writer = ChromaVectorStore.open(server.url(), "shared", OpenMode.CREATE_OR_WRITE,
                ChromaStoreOptions.DEFAULT);
             ChromaVectorStore reader = ChromaVectorStore.open(server.url(), "shared", OpenMode.CREATE_OR_WRITE,
                     ChromaStoreOptions.DEFAULT)) {
            assertEquals(OptionalInt.empty(), reader.dimension());
            List<VectorRecord> records = records(20, 6, Map.of(), new Random(5));

            writer.upsert(records);

            assertEquals(OptionalInt.of(6), reader.dimension());
            assertEquals("r3", reader.search(records.get(3).vector(), SearchRequest.top(1)).get(0).id());
            assertThrows(IllegalArgumentException.class,
                    () -> reader.upsert(records(1, 5, Map.of(), new Random(6))));
        }
    }

    @Test
    void anUnreachableServerIsAOneLineErrorAfterBoundedRetries() {
        URI nowhere = URI.create("http://127.0.0.1:" + ChromaServer.freePort());
        RetryPolicy quick = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(50));
        long start = System.nanoTime();

        StoreException e = assertThrows(StoreException.class,
                () -> ChromaVectorStore.open(nowhere, "anything", OpenMode.CREATE_OR_WRITE,
                        ChromaStoreOptions.builder().retry(quick).build()));

        assertTrue(e.getMessage().contains("unreachable") && e.getMessage().contains("3 attempts")
                && e.getMessage().contains(nowhere.toString()), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "retries must be bounded");
    }

    @Test
    void aServerThatGoesAwayIsAOneLineErrorAfterBoundedRetries() {
        Path dir = data.resolve("goes-away");
        RetryPolicy quick = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(50));
        try (ChromaServer doomed = ChromaServer.start(dir);
             ChromaVectorStore store = ChromaVectorStore.open(doomed.url(), "doomed", OpenMode.CREATE_OR_WRITE,
                     ChromaStoreOptions.builder().retry(quick).build())) {
            List<VectorRecord> records = records(5, 4, Map.of(), new Random(7));
            store.upsert(records);
            doomed.kill();

            StoreException e = assertThrows(StoreException.class, () -> store.upsert(records));

            assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    static List<VectorRecord> records(int n, int dim, Map<String, Object> metadata, Random random) {
        List<VectorRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) {
                v[j] = (float) random.nextGaussian();
            }
            records.add(new VectorRecord("r" + i, v, metadata));
        }
        return records;
    }
}

package dev.imgsearch.store;

import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.record.EmbeddingRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link VectorStore} promises; each kind of store runs it through a subclass that names where
 * new stores go. Every store is opened through its {@link StoreUri}, as the commands open them.
 */
public abstract class VectorStoreContractTest {

    /** The image fields plus a double, so every field type is exercised. */
    protected static final MetadataSchema SCHEMA = MetadataSchema.IMAGES.with("rating", MetadataSchema.FieldType.DOUBLE);
    protected static final int DIM = 8;

    /** Where the store of the current test is. */
    protected StoreUri uri;
    /** The current test's store, created empty with {@link #SCHEMA}. */
    protected VectorStore store;

    /** The URI of a store that does not exist yet; a new one on every call. */
    protected abstract StoreUri newLocation();

    @BeforeEach
    void openStore() {
        uri = newLocation();
        store = uri.open(OpenMode.CREATE_OR_WRITE, SCHEMA);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void getReturnsTheUnitVectorAndTheMetadata() {
        float[] vector = {3, 4, 0, 0, 0, 0, 0, 0};
        store.upsert(List.of(new VectorRecord("a", vector, Map.of("uri", "file:/a.png", "width", 640, "rating", 4.5))));

        VectorRecord got = store.get("a").orElseThrow();

        assertEquals("a", got.id());
        assertArrayEquals(new float[]{0.6f, 0.8f, 0, 0, 0, 0, 0, 0}, got.vector(), 1e-6f);
        assertEquals(Map.of("uri", "file:/a.png", "width", 640L, "rating", 4.5), got.metadata());
        assertEquals(OptionalInt.of(DIM), store.dimension());
    }

    @Test
    void embeddingRecordsKeepTheirImageFields() {
        var embedding = new EmbeddingRecord(
                "id1", "s3a://b/k.jpg", 800, 600, "ab".repeat(32), "clip-vit-b32", unit(0), null);
        store.upsert(List.of(VectorRecord.of(embedding, Map.of("source", "s3"))));

        assertEquals(Map.of("uri", "s3a://b/k.jpg", "width", 800L, "height", 600L, "sha256", "ab".repeat(32),
                "model", "clip-vit-b32", "source", "s3"), store.get("id1").orElseThrow().metadata());
    }

    @Test
    void anEmptyStoreHasNoDimensionAndFindsNothing() {
        assertEquals(OptionalInt.empty(), store.dimension());
        assertEquals(0, store.count());
        assertTrue(store.get("nope").isEmpty());
        assertEquals(List.of(), store.search(unit(0), SearchRequest.top(3)));
    }

    @Test
    void countFollowsUpsertsAndDeletes() {
        store.upsert(randomRecords(5, 1));
        assertEquals(5, store.count());

        store.delete(List.of("r0", "r3", "never-stored"));

        assertEquals(3, store.count());
        assertTrue(store.get("r0").isEmpty());
        assertTrue(store.get("r1").isPresent());
    }

    @Test
    void reUpsertIsIdempotentAndReplacesTheWholeRecord() {
        List<VectorRecord> records = randomRecords(10, 2);
        store.upsert(records);
        store.upsert(records);
        assertEquals(10, store.count());

        store.upsert(List.of(new VectorRecord("r4", unit(2), Map.of("uri", "file:/new.png"))));

        VectorRecord replaced = store.get("r4").orElseThrow();
        assertEquals(Map.of("uri", "file:/new.png"), replaced.metadata(), "old fields must not survive a re-upsert");
        assertArrayEquals(unit(2), replaced.vector(), 1e-6f);
        assertEquals(10, store.count());
    }

    @Test
    void aRepeatedIdInOneBatchKeepsTheLast() {
        store.upsert(List.of(
                new VectorRecord("x", unit(0), Map.of("model", "first")),
                new VectorRecord("y", unit(1), Map.of()),
                new VectorRecord("x", unit(3), Map.of("model", "last"))));

        assertEquals(2, store.count());
        assertEquals(Map.of("model", "last"), store.get("x").orElseThrow().metadata());
        assertArrayEquals(unit(3), store.get("x").orElseThrow().vector(), 1e-6f);
    }

    @Test
    void searchFindsTheExactNearestBestFirstWithCosineScores() {
        List<VectorRecord> records = randomRecords(200, 3);
        store.upsert(records);
        float[] query = gaussian(new Random(99));

        List<SearchHit> hits = store.search(query, SearchRequest.builder().k(5).extraNeighbors(20).build());

        List<SearchHit> expected = bruteForce(records, query, 5);
        assertEquals(ids(expected), ids(hits));
        for (int i = 0; i < hits.size(); i++) {
            assertEquals(expected.get(i).score(), hits.get(i).score(), 1e-5, "score of " + hits.get(i).id());
        }
        assertEquals(records.get(Integer.parseInt(hits.get(0).id().substring(1))).metadata(), hits.get(0).metadata());
    }

    @Test
    void extraNeighborsAreReRankedAndCutToK() {
        List<VectorRecord> records = randomRecords(100, 4);
        store.upsert(records);
        float[] query = gaussian(new Random(7));

        List<SearchHit> hits = store.search(query, SearchRequest.builder().k(3).extraNeighbors(40).build());

        assertEquals(3, hits.size());
        assertEquals(ids(bruteForce(records, query, 3)), ids(hits));
        for (SearchHit hit : hits) {
            float[] stored = store.get(hit.id()).orElseThrow().vector();
            assertEquals(Vectors.cosine(Vectors.normalized(query, "q"), stored), hit.score(), 1e-9,
                    "re-ranked scores are exact cosines of the stored vectors");
        }
    }

    @Test
    void kBeyondTheStoreSizeReturnsEverything() {
        store.upsert(randomRecords(4, 5));

        assertEquals(4, store.search(unit(0), SearchRequest.top(50)).size());
    }

    @Test
    void searchByIdExcludesTheRecordItself() {
        List<VectorRecord> records = new ArrayList<>(randomRecords(50, 6));
        float[] nearTwin = records.get(7).vector().clone();
        nearTwin[0] += 0.01f;
        records.add(new VectorRecord("twin", nearTwin, Map.of()));
        store.upsert(records);

        List<SearchHit> hits = store.searchById("r7", SearchRequest.builder().k(4).extraNeighbors(10).build());

        assertEquals(4, hits.size());
        assertEquals("twin", hits.get(0).id());
        assertFalse(ids(hits).contains("r7"));
    }

    @Test
    void searchByUnknownIdIsNoSuchElement() {
        store.upsert(randomRecords(3, 7));

        NoSuchElementException e = assertThrows(NoSuchElementException.class,
                () -> store.searchById("ghost", SearchRequest.top(2)));
        assertTrue(e.getMessage().contains("ghost"), e.getMessage());
    }

    @Test
    void filtersOnKeywordsNumbersSetsAndRanges() {
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("uri", "file:/" + i + ".png");
            metadata.put("model", i % 3 == 0 ? "clip-a" : "clip-b");
            metadata.put("width", 100L * i);
            metadata.put("rating", i / 10.0);
            records.add(new VectorRecord("r" + i, unit(i % DIM), metadata));
        }
        store.upsert(records);
        SearchRequest top30 = SearchRequest.builder().k(30).extraNeighbors(30).build();

        assertEquals(List.of("r0", "r3", "r6", "r9", "r12", "r15", "r18", "r21", "r24", "r27"),
                sortedIds(store.search(unit(0), filtered(top30, MetadataFilter.eq("model", "clip-a")))));
        assertEquals(List.of("r5"), sortedIds(store.search(unit(0), filtered(top30, MetadataFilter.eq("width", 500)))));
        assertEquals(List.of("r2", "r4"), sortedIds(store.search(unit(0),
                filtered(top30, MetadataFilter.NONE.andIn("uri", List.of("file:/2.png", "file:/4.png", "file:/x"))))));
        assertEquals(List.of("r10", "r11", "r12"), sortedIds(store.search(unit(0),
                filtered(top30, MetadataFilter.NONE.andRange("width", 1000, 1200)))));
        assertEquals(List.of("r27", "r28", "r29"), sortedIds(store.search(unit(0),
                filtered(top30, MetadataFilter.NONE.andRange("rating", 2.65, null)))));
        assertEquals(List.of("r12", "r15", "r18"), sortedIds(store.search(unit(0),
                filtered(top30, MetadataFilter.eq("model", "clip-a").andRange("width", 1100, 1800)))));
        assertEquals(List.of(), store.search(unit(0), filtered(top30, MetadataFilter.eq("model", "nope"))));
    }

    @Test
    void aFilterKeepsTheNearestMatchesNotJustMatchesAmongTheNearest() {
        List<VectorRecord> records = new ArrayList<>(randomRecords(100, 8));
        records.add(new VectorRecord("far", unit(1), Map.of("model", "rare")));
        store.upsert(records);

        List<SearchHit> hits = store.search(unit(0), request(1, MetadataFilter.eq("model", "rare")));

        assertEquals(List.of("far"), ids(hits));
    }

    @Test
    void anUnknownFilterFieldIsAnIllegalArgumentNamingIt() {
        store.upsert(randomRecords(3, 9));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.search(unit(0), request(2, MetadataFilter.eq("colour", "red"))));

        assertTrue(e.getMessage().contains("'colour'"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void filtersOnTextFieldsOrWithIllTypedValuesAreIllegalArguments() {
        store.upsert(randomRecords(3, 10));

        assertThrows(IllegalArgumentException.class,
                () -> store.search(unit(0), request(2, MetadataFilter.eq("caption", "a cat"))));
        assertThrows(IllegalArgumentException.class,
                () -> store.search(unit(0), request(2, MetadataFilter.eq("width", "wide"))));
        assertThrows(IllegalArgumentException.class,
                () -> store.search(unit(0), request(2, MetadataFilter.NONE.andRange("model", 1, 2))));
    }

    @Test
    void anUnknownMetadataFieldRejectsTheWholeBatch() {
        List<VectorRecord> batch = List.of(
                new VectorRecord("ok", unit(0), Map.of("uri", "file:/ok.png")),
                new VectorRecord("bad", unit(1), Map.of("colour", "red")));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.upsert(batch));

        assertTrue(e.getMessage().contains("'colour'"), e.getMessage());
        assertEquals(0, store.count());
    }

    @Test
    void minScoreDropsWeakerHits() {
        store.upsert(List.of(
                new VectorRecord("same", unit(0), Map.of()),
                new VectorRecord("close", new float[]{1, 0.2f, 0, 0, 0, 0, 0, 0}, Map.of()),
                new VectorRecord("orthogonal", unit(1), Map.of()),
                new VectorRecord("opposite", scaled(unit(0), -1), Map.of())));

        List<SearchHit> hits = store.search(unit(0), SearchRequest.builder().k(4).minScore(0.9).build());

        assertEquals(List.of("same", "close"), ids(hits));
        assertEquals(1.0, hits.get(0).score(), 1e-6);
        assertEquals(1 / Math.sqrt(1.04), hits.get(1).score(), 1e-6);
        assertEquals(-1.0, store.search(unit(0), SearchRequest.top(4)).get(3).score(), 1e-6);
    }

    @Test
    void aWrongDimensionIsAOneLineIllegalArgumentAndWritesNothing() {
        store.upsert(randomRecords(2, 11));

        IllegalArgumentException upsert = assertThrows(IllegalArgumentException.class,
                () -> store.upsert(List.of(new VectorRecord("short", new float[]{1, 2, 3}, Map.of()))));
        IllegalArgumentException search = assertThrows(IllegalArgumentException.class,
                () -> store.search(new float[]{1, 2, 3}, SearchRequest.top(1)));

        for (IllegalArgumentException e : List.of(upsert, search)) {
            assertTrue(e.getMessage().contains("3") && e.getMessage().contains(Integer.toString(DIM)), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
        assertEquals(2, store.count());
        assertTrue(store.get("short").isEmpty());
    }

    @Test
    void aZeroVectorIsAnIllegalArgument() {
        assertThrows(IllegalArgumentException.class,
                () -> store.upsert(List.of(new VectorRecord("z", new float[DIM], Map.of()))));
        assertThrows(IllegalArgumentException.class, () -> store.search(new float[DIM], SearchRequest.top(1)));
    }

    @Test
    void aClosedStoreRefusesWork() {
        store.close();
        store.close();

        assertThrows(IllegalStateException.class, () -> store.count());
        assertThrows(IllegalStateException.class, () -> store.upsert(randomRecords(1, 12)));
        assertThrows(IllegalStateException.class, () -> store.search(unit(0), SearchRequest.top(1)));
    }

    @Test
    void aCreatedStoreExistsAndReopensWithItsSchemaAndRecords() {
        store.upsert(randomRecords(6, 13));
        store.close();

        assertTrue(uri.exists());
        try (VectorStore reopened = uri.open(OpenMode.WRITE_EXISTING)) {
            assertEquals(SCHEMA, reopened.schema(), "an existing store keeps the schema it was created with");
            assertEquals(6, reopened.count());
            reopened.upsert(randomRecords(8, 13));
            assertEquals(8, reopened.count());
        }
    }

    @Test
    void aReadOnlyStoreSearchesAndRefusesEveryWrite() {
        List<VectorRecord> records = randomRecords(20, 14);
        store.upsert(records);

        try (VectorStore reader = uri.open(OpenMode.READ_ONLY)) {
            assertEquals(20, reader.count());
            assertEquals(OptionalInt.of(DIM), reader.dimension());
            float[] query = gaussian(new Random(15));
            assertEquals(ids(bruteForce(records, query, 3)),
                    ids(reader.search(query, SearchRequest.builder().k(3).extraNeighbors(17).build())));
            assertThrows(IllegalStateException.class, () -> reader.upsert(randomRecords(1, 16)));
            assertThrows(IllegalStateException.class, () -> reader.delete(List.of("r1")));
            assertThrows(IllegalStateException.class, reader::compact);
        }
        assertEquals(20, store.count());
    }

    @Test
    void onlyCreatingOpensCreateAMissingStore() {
        StoreUri missing = newLocation();

        for (OpenMode mode : List.of(OpenMode.READ_ONLY, OpenMode.WRITE_EXISTING)) {
            StoreException e = assertThrows(StoreException.class, () -> missing.open(mode), mode.name());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }

        assertFalse(missing.exists(), "a failed open must leave no store behind");
    }

    @Test
    void theFirstRecordedModelIsKeptAndAnotherIsRefused() {
        ModelIdentity clip = new ModelIdentity("clip", "a".repeat(64));
        ModelIdentity renamed = new ModelIdentity("clip-copy", "a".repeat(64));
        ModelIdentity other = new ModelIdentity("clip", "b".repeat(64));
        assertEquals(Optional.empty(), store.model(), "a new store records no model");

        store.recordModel(clip);
        store.recordModel(renamed);
        ModelMismatchException e = assertThrows(ModelMismatchException.class, () -> store.recordModel(other));

        assertEquals(Optional.of(clip), store.model());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().contains(clip.toString()) && e.getMessage().contains(other.toString()), e.getMessage());
        store.requireModel(renamed, "the store");
        assertThrows(ModelMismatchException.class, () -> store.requireModel(other, "the store"));
        try (VectorStore reader = uri.open(OpenMode.READ_ONLY)) {
            assertEquals(Optional.of(clip), reader.model(), "the model is kept with the store");
            assertThrows(IllegalStateException.class, () -> reader.recordModel(clip));
        }
    }

    // ---- helpers shared with the store-specific tests ----

    protected static float[] unit(int axis) {
        float[] v = new float[DIM];
        v[axis] = 1;
        return v;
    }

    protected static float[] scaled(float[] v, float factor) {
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= factor;
        }
        return out;
    }

    protected static float[] gaussian(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** Records r0..r{n-1} with random vectors and a uri and width each. */
    protected static List<VectorRecord> randomRecords(int n, long seed) {
        Random random = new Random(seed);
        List<VectorRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(new VectorRecord("r" + i, gaussian(random),
                    Map.of("uri", "file:/r" + i + ".png", "width", (long) i)));
        }
        return records;
    }

    protected static List<SearchHit> bruteForce(List<VectorRecord> records, float[] query, int k) {
        return records.stream()
                .map(r -> new SearchHit(r.id(), Vectors.cosine(query, r.vector()), r.metadata()))
                .sorted(Comparator.comparingDouble(SearchHit::score).reversed())
                .limit(k)
                .toList();
    }

    protected static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).toList();
    }

    private static SearchRequest request(int k, MetadataFilter filter) {
        return SearchRequest.builder().k(k).filter(filter).build();
    }

    private static SearchRequest filtered(SearchRequest request, MetadataFilter filter) {
        return request.toBuilder().filter(filter).build();
    }

    private static List<String> sortedIds(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id)
                .sorted(Comparator.comparingInt((String id) -> Integer.parseInt(id.substring(1))))
                .toList();
    }
}

package dev.imgsearch.store.lucene;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.Vectors;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.Field;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LuceneVectorStoreTest {

    private static final int DIM = 16;

    @TempDir
    Path tmp;

    @Test
    void reopeningAfterCloseKeepsRecordsDimensionAndSettings() {
        Path dir = tmp.resolve("idx");
        LuceneIndexSettings settings =
                LuceneIndexSettings.builder().kind(LuceneIndexKind.HNSW_INT8).maxConn(8).beamWidth(50).build();
        List<VectorRecord> written = records(0, 300, new Random(1));
        try (LuceneVectorStore store = LuceneVectorStore.open(dir, OpenMode.CREATE_OR_WRITE, settings, 50)) {
            store.upsert(written);
            store.delete(List.of("r5"));
        }

        try (LuceneVectorStore reopened = LuceneVectorStore.open(dir, OpenMode.WRITE_EXISTING, 50)) {
            assertEquals(settings, reopened.settings());
            assertEquals(299, reopened.count());
            assertEquals(OptionalInt.of(DIM), reopened.dimension());
            VectorRecord r7 = reopened.get("r7").orElseThrow();
            assertEquals(written.get(7).metadata(), r7.metadata());
            assertArrayEquals(Vectors.normalized(written.get(7).vector(), "r7"), r7.vector());
            reopened.upsert(records(300, 310, new Random(2)));
            assertEquals(309, reopened.count());
        }
        try (LuceneVectorStore again = LuceneVectorStore.open(dir, OpenMode.CREATE_OR_WRITE, 10)) {
            assertEquals(settings, again.settings());
            assertEquals(309, again.count());
        }
    }

    @Test
    void anEmptyIndexKeepsItsSettingsAndGetsItsDimensionFromTheFirstUpsert() {
        Path dir = tmp.resolve("idx");
        LuceneIndexSettings flat = LuceneIndexSettings.builder().kind(LuceneIndexKind.FLAT).build();
        LuceneVectorStore.open(dir, OpenMode.CREATE_OR_WRITE, flat, 10).close();

        try (LuceneVectorStore store = LuceneVectorStore.open(dir, OpenMode.WRITE_EXISTING, 10)) {
            assertEquals(flat, store.settings());
            assertEquals(OptionalInt.empty(), store.dimension());
            store.upsert(records(0, 3, new Random(3)));
        }
        try (LuceneVectorStore store = LuceneVectorStore.open(dir, OpenMode.READ_ONLY, 10)) {
            assertEquals(OptionalInt.of(DIM), store.dimension());
        }
    }

    @Test
    void eachKindWritesItsOwnVectorFormat() throws IOException {
        Map<LuceneIndexKind, String> formats = Map.of(
                LuceneIndexKind.FLAT, "ImgsearchFlat99",
                LuceneIndexKind.HNSW, HnswKnnVectorsFormat.NAME,
                LuceneIndexKind.HNSW_INT8, HnswInt8KnnVectorsFormat.NAME);
        for (var entry : formats.entrySet()) {
            Path dir = tmp.resolve(entry.getKey().id());
            try (LuceneVectorStore store = LuceneVectorStore.open(dir, OpenMode.CREATE_OR_WRITE,
                    LuceneIndexSettings.builder().kind(entry.getKey()).build(), 10)) {
                store.upsert(records(0, 5, new Random(4)));
            }
            try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(dir))) {
                String format = reader.leaves().get(0).reader().getFieldInfos().fieldInfo(LuceneDocuments.VECTOR)
                        .getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY);
                assertEquals(entry.getValue(), format, entry.getKey().id());
            }
        }
    }

    @Test
    void forceMergeLeavesFewerSegmentsAndTheSameResults() {
        Random random = new Random(14);
        try (LuceneVectorStore store = LuceneVectorStore.open(tmp.resolve("idx"), OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.DEFAULT, 50)) {
            for (int b = 0; b < 6; b++) {
                store.upsert(records(b * 40, (b + 1) * 40, random));
            }
            store.delete(List.of("r3"));
            float[] query = gaussian(random);
            List<SearchHit> before = store.search(query, SearchRequest.builder().k(10).extraNeighbors(50).build());
            assertTrue(store.segmentCount() > 1);

            store.forceMerge(1);

            assertEquals(1, store.segmentCount());
            assertEquals(239, store.count());
            assertEquals(before, store.search(query, SearchRequest.builder().k(10).extraNeighbors(50).build()));
        }
    }

    @Test
    void openingWithOtherSettingsThanTheIndexWasCreatedWithIsRejected() {
        Path dir = tmp.resolve("idx");
        LuceneVectorStore.open(dir, OpenMode.CREATE_OR_WRITE, LuceneIndexSettings.DEFAULT, 10).close();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LuceneVectorStore.open(dir,
                OpenMode.CREATE_OR_WRITE, LuceneIndexSettings.builder().kind(LuceneIndexKind.FLAT).build(), 10));

        assertTrue(e.getMessage().contains("created as hnsw"), e.getMessage());
    }

    @Test
    void openingAMissingOrEmptyDirectoryForReadingIsAOneLineError() throws IOException {
        StoreException missing = assertThrows(StoreException.class,
                () -> LuceneVectorStore.open(tmp.resolve("nowhere"), OpenMode.READ_ONLY, 10));
        Files.createDirectories(tmp.resolve("empty"));
        StoreException empty = assertThrows(StoreException.class,
                () -> LuceneVectorStore.open(tmp.resolve("empty"), OpenMode.READ_ONLY, 10));

        assertOneLine(missing, "no Lucene index at " + tmp.resolve("nowhere"));
        assertOneLine(empty, "no Lucene index at " + tmp.resolve("empty"));
        assertTrue(Files.notExists(tmp.resolve("nowhere")), "reading must not create the directory");
    }

    @Test
    void aCorruptIndexIsAOneLineErrorAndIsLeftUntouched() throws IOException {
        Path dir = tmp.resolve("idx");
        try (LuceneVectorStore store = LuceneVectorStore.open(dir, OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.DEFAULT, 10)) {
            store.upsert(records(0, 20, new Random(5)));
        }
        Path segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(f -> f.getFileName().toString().startsWith("segments_"))
                    .max(Comparator.naturalOrder()).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segments);
        for (int i = bytes.length / 2; i < bytes.length; i++) {
            bytes[i] ^= 0x5A;
        }
        Files.write(segments, bytes);
        Set<String> before = fileNames(dir);

        StoreException reading = assertThrows(StoreException.class, () -> LuceneVectorStore.open(dir,
                OpenMode.READ_ONLY, 10));
        StoreException writing = assertThrows(StoreException.class,
                () -> LuceneVectorStore.open(dir, OpenMode.CREATE_OR_WRITE, LuceneIndexSettings.DEFAULT, 10));

        assertOneLine(reading, "Lucene index at " + dir);
        assertOneLine(writing, "Lucene index at " + dir);
        assertEquals(before, fileNames(dir), "a failed open must not change the directory");
    }

    @Test
    void anIndexNotWrittenByImgsearchIsRefused() throws IOException {
        Path dir = tmp.resolve("foreign");
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(dir), new IndexWriterConfig())) {
            Document doc = new Document();
            doc.add(new StringField("f", "v", Field.Store.YES));
            writer.addDocument(doc);
        }

        StoreException e = assertThrows(StoreException.class, () -> LuceneVectorStore.open(dir, OpenMode.READ_ONLY, 10));

        assertOneLine(e, "not written by imgsearch");
    }

    @Test
    void aSecondWriterIsRefusedWhileReadersShareTheIndex() {
        Path dir = tmp.resolve("idx");
        try (LuceneVectorStore writer = LuceneVectorStore.open(dir, OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.DEFAULT, 10)) {
            writer.upsert(records(0, 10, new Random(6)));

            StoreException second = assertThrows(StoreException.class, () -> LuceneVectorStore.open(dir,
                    OpenMode.WRITE_EXISTING, 10));
            assertOneLine(second, "already open for writing");

            try (LuceneVectorStore reader = LuceneVectorStore.open(dir, OpenMode.READ_ONLY, 10)) {
                assertEquals(10, reader.count());
                assertThrows(IllegalStateException.class, () -> reader.upsert(records(10, 11, new Random(7))));
                assertThrows(IllegalStateException.class, () -> reader.delete(List.of("r1")));

                writer.upsert(records(10, 25, new Random(8)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (reader.count() != 25 && System.nanoTime() < deadline) {
                    sleep(100);
                }
                assertEquals(25, reader.count(), "a read-only store picks up the writer's commits");
            }
        }
    }

    @Test
    void searchesRunConcurrentlyWithWritesAndSeeOnlyWholeBatches() throws Exception {
        int batches = 10;
        int batchSize = 50;
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger searches = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (LuceneVectorStore store = LuceneVectorStore.open(tmp.resolve("idx"), OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.DEFAULT, 50)) {
            store.upsert(records(0, batchSize, new Random(9)));
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Random random = new Random(100 + t);
                readers.add(pool.submit(() -> {
                    while (writing.get()) {
                        float[] query = gaussian(random);
                        List<SearchHit> hits = store.search(query,
                                SearchRequest.builder().k(10).extraNeighbors(10).build());
                        assertEquals(10, hits.size());
                        for (int i = 1; i < hits.size(); i++) {
                            assertTrue(hits.get(i - 1).score() >= hits.get(i).score());
                        }
                        long count = store.count();
                        assertEquals(0, count % batchSize, "a search saw half a batch: " + count);
                        searches.incrementAndGet();
                    }
                    return null;
                }));
            }
            Random random = new Random(10);
            for (int b = 1; b < batches; b++) {
                store.upsert(records(b * batchSize, (b + 1) * batchSize, random));
            }
            writing.set(false);
            for (Future<?> reader : readers) {
                reader.get(30, TimeUnit.SECONDS);
            }
            assertEquals((long) batches * batchSize, store.count());
            assertTrue(searches.get() > 0);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void flatIsExactAndHnswAndInt8RecallWellOnClusteredData() {
        int dim = 64;
        Random random = new Random(11);
        List<float[]> centres = new ArrayList<>();
        for (int c = 0; c < 40; c++) {
            centres.add(gaussian(random, dim));
        }
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            records.add(new VectorRecord("r" + i, near(centres.get(i % centres.size()), 0.5f, random), Map.of()));
        }
        List<float[]> queries = new ArrayList<>();
        for (int q = 0; q < 50; q++) {
            queries.add(near(centres.get(random.nextInt(centres.size())), 0.5f, random));
        }

        List<Set<String>> truth = queries.stream().map(query -> exactTop10(records, query)).toList();

        double flat = recallAt10(LuceneIndexKind.FLAT, records, queries, truth, 0);
        double hnsw = recallAt10(LuceneIndexKind.HNSW, records, queries, truth, 0);
        double int8 = recallAt10(LuceneIndexKind.HNSW_INT8, records, queries, truth, 0);
        double int8Reranked = recallAt10(LuceneIndexKind.HNSW_INT8, records, queries, truth, 40);

        assertEquals(1.0, flat, "flat search is exact");
        assertTrue(hnsw >= 0.9, "HNSW recall@10 " + hnsw);
        assertTrue(int8Reranked >= 0.9, "int8 + re-ranking recall@10 " + int8Reranked);
        assertTrue(int8Reranked >= int8, "re-ranking extra neighbours lowered recall: " + int8 + " -> " + int8Reranked);
    }

    @Test
    void aKilledWriterLeavesTheLastCommitOpenableAndUnlocked() throws Exception {
        Path dir = tmp.resolve("idx");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        int committed = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (committed < 5 && (line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    committed = Integer.parseInt(line.substring("committed ".length()));
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(committed >= 5, "the child writer never got going");

        try (LuceneVectorStore store = LuceneVectorStore.open(dir, OpenMode.WRITE_EXISTING, 10)) {
            long count = store.count();
            assertTrue(count >= (long) committed * CrashingWriter.BATCH, "acknowledged batches were lost: " + count);
            assertEquals(0, count % CrashingWriter.BATCH, "a killed writer left half a batch: " + count);
            store.upsert(records(0, 1, new Random(12)));
        }
    }

    /** Upserts batches forever, announcing each commit, until killed. */
    public static final class CrashingWriter {
        static final int BATCH = 100;

        public static void main(String[] args) {
            Random random = new Random(13);
            try (LuceneVectorStore store = LuceneVectorStore.open(Path.of(args[0]), OpenMode.CREATE_OR_WRITE,
                    LuceneIndexSettings.DEFAULT, 10)) {
                for (int b = 0; ; b++) {
                    store.upsert(records(b * BATCH, (b + 1) * BATCH, random));
                    System.out.println("committed " + (b + 1));
                }
            }
        }
    }

    private double recallAt10(LuceneIndexKind kind, List<VectorRecord> records, List<float[]> queries,
                              List<Set<String>> truth, int extra) {
        try (LuceneVectorStore store = LuceneVectorStore.open(tmp.resolve("recall-" + kind.id() + "-" + extra),
                OpenMode.CREATE_OR_WRITE,
                        LuceneIndexSettings.builder().kind(kind).maxConn(16).beamWidth(100).build(), 20)) {
            store.upsert(records);
            int found = 0;
            for (int q = 0; q < queries.size(); q++) {
                for (SearchHit hit : store.search(queries.get(q),
                        SearchRequest.builder().k(10).extraNeighbors(extra).build())) {
                    if (truth.get(q).contains(hit.id())) {
                        found++;
                    }
                }
            }
            return found / (10.0 * queries.size());
        }
    }

    private static Set<String> exactTop10(List<VectorRecord> records, float[] query) {
        Set<String> top = new HashSet<>();
        records.stream()
                .sorted(Comparator.comparingDouble((VectorRecord r) -> -Vectors.cosine(query, r.vector())))
                .limit(10)
                .forEach(r -> top.add(r.id()));
        return top;
    }

    static List<VectorRecord> records(int from, int to, Random random) {
        List<VectorRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(new VectorRecord("r" + i, gaussian(random), Map.of(MetadataSchema.URI, "file:/" + i)));
        }
        return records;
    }

    private static float[] gaussian(Random random) {
        return gaussian(random, DIM);
    }

    private static float[] gaussian(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static float[] near(float[] centre, float spread, Random random) {
        float[] v = centre.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += spread * (float) random.nextGaussian();
        }
        return v;
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static void assertOneLine(Exception e, String expectedPart) {
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

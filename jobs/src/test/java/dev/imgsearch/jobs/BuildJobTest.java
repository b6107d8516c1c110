package dev.imgsearch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.embed.EmbedOutputFixtures;
import dev.imgsearch.embed.Provenance;
import dev.imgsearch.model.ModelFetcher;
import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.record.EmbeddingParquet;
import dev.imgsearch.record.RecordIds;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.ModelMismatchException;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.ShardedBuild;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.chroma.ChromaProxy;
import dev.imgsearch.store.chroma.ChromaServer;
import dev.imgsearch.source.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildJobTest {

    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static ChromaServer chroma;
    private static MotoServer moto;

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        moto = MotoServer.start();
        Map<String, String> conf = new HashMap<>(Map.of("spark.master", "local[2]", "spark.ui.enabled", "false"));
        moto.s3aConf().forEach((key, value) -> conf.put("spark.hadoop." + key, value));
        spark = SparkSessions.start("build-test", conf);
        chroma = ChromaServer.start(tmp.resolve("chroma"));
    }

    @AfterAll
    static void tearDown() throws IOException {
        spark.stop();
        if (chroma != null) {
            chroma.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private static BuildReport build(Path embeddings, String store, int batchSize, BuildJob.Removal removal) {
        return BuildJob.run(spark, embeddings.toString(), StoreUri.parse(store), batchSize, removal);
    }

    private static long count(String store) {
        try (VectorStore opened = StoreUri.parse(store).open(OpenMode.READ_ONLY)) {
            return opened.count();
        }
    }

    private void buildIsIdempotentIncrementalAndRemovesWhatIsGone(String store) throws IOException {
        Path embeddings = tmp.resolve("emb-" + Math.abs(store.hashCode()));
        EmbeddingFixtures.writePart(embeddings, "a", 0, 300, "v1");

        BuildReport first = build(embeddings, store, 64, BuildJob.Removal.KEEP);
        assertEquals(300, first.written());
        assertEquals(300, first.count());

        BuildReport again = build(embeddings, store, 64, BuildJob.Removal.KEEP);
        assertEquals(0, again.written());
        assertEquals(300, again.unchanged());
        assertEquals(300, again.count());

        // 50 new images, and 10 existing ones whose bytes changed.
        EmbeddingFixtures.writePart(embeddings, "b", 290, 60, "v2");
        BuildReport grown = build(embeddings, store, 64, BuildJob.Removal.KEEP);
        assertEquals(60, grown.written());
        assertEquals(350, grown.count());
        try (VectorStore opened = StoreUri.parse(store).open(OpenMode.READ_ONLY)) {
            VectorRecord changed = opened.get(RecordIds.forUri("file:/images/img-295.png")).orElseThrow();
            assertEquals(RecordIds.sha256Hex("file:/images/img-295.pngv2".getBytes()),
                    changed.metadata().get(MetadataSchema.SHA256));
            assertEquals("caption 294", opened.get(RecordIds.forUri("file:/images/img-294.png")).orElseThrow()
                    .metadata().get(MetadataSchema.CAPTION));
        }

        Files.delete(embeddings.resolve("embeddings/part-a.parquet"));
        BuildReport pruned = build(embeddings, store, 64, BuildJob.Removal.REMOVE_MISSING_FORCED);
        assertEquals(290, pruned.removed());
        assertEquals(60, pruned.count());
        try (VectorStore opened = StoreUri.parse(store).open(OpenMode.READ_ONLY)) {
            assertFalse(opened.get(RecordIds.forUri("file:/images/img-289.png")).isPresent(), "pruned");
            assertTrue(opened.get(RecordIds.forUri("file:/images/img-290.png")).isPresent(), "kept: still an input");
        }
    }

    @Test
    void luceneBuild() throws IOException {
        buildIsIdempotentIncrementalAndRemovesWhatIsGone("lucene:" + tmp.resolve("index"));
    }

    /**
     * Changed rows that went to another shard than their first version would be counted twice, and deletes sent to
     * the wrong shard would remove nothing: the counts check the routing.
     */
    @Test
    void shardedLuceneBuildRoutesEveryChangeToItsShard() throws IOException {
        buildIsIdempotentIncrementalAndRemovesWhatIsGone("lucene:" + tmp.resolve("sharded-index") + "?shards=3");
        assertEquals(3, Files.list(tmp.resolve("sharded-index/shards")).count(),
                "only the published shards are left, each in one folder");
    }

    @Test
    void aSingleIndexStoreFromBeforeShardsKeepsWorkingAsOneShard() throws IOException {
        Path dir = tmp.resolve("single-index");
        try (VectorStore old = StoreUri.parse("lucene:" + dir).open(OpenMode.CREATE_OR_WRITE)) {
            float[] vector = new float[EmbeddingFixtures.DIM];
            vector[0] = 1;
            old.upsert(List.of(new VectorRecord("old", vector, Map.of())));
        }
        assertFalse(Files.exists(dir.resolve("imgsearch-store.json")), "a plain writer makes a single index");
        Path embeddings = tmp.resolve("emb-onto-single");
        EmbeddingFixtures.writePart(embeddings, "a", 0, 20, "v1");

        assertEquals(21, build(embeddings, "lucene:" + dir, 64, BuildJob.Removal.KEEP).count());
        try (VectorStore opened = StoreUri.parse("lucene:" + dir).open(OpenMode.READ_ONLY)) {
            assertEquals(21, opened.count());
            assertTrue(opened.get("old").isPresent(), "the single index's records are kept");
        }
    }

    @Test
    void chromaBuildFromExecutors() throws IOException {
        buildIsIdempotentIncrementalAndRemovesWhatIsGone(chroma.url().toString().replace("http", "chroma:http")
                + "/build-test");
    }

    /** The executors write with the token the driver read, through as many writers as the URI asks for. */
    @Test
    void chromaBuildBehindATokenFromExecutors() throws IOException {
        Path token = Files.writeString(tmp.resolve("build.token"), "build-t0ken");
        try (ChromaProxy proxy = ChromaProxy.xChromaToken(chroma.url(), "build-t0ken")) {
            Path embeddings = tmp.resolve("emb-token");
            EmbeddingFixtures.writePart(embeddings, "a", 0, 300, "v1");
            String store = "chroma:" + proxy.url() + "/token-build?writers=3&token=file:" + token;

            BuildReport built = build(embeddings, store, 64, BuildJob.Removal.KEEP);

            assertEquals(300, built.written());
            assertEquals(300, count(store));
        }
    }

    /**
     * The sharded build counts what each shard would remove in the shard's own task, so the limit is checked before
     * publishing: the refused build leaves every file of the store as it was.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lucene", "lucene-3-shards", "chroma"})
    void removeMissingRefusesToEmptyMostOfTheStoreFromAPartialInputUnlessForced(String kind) throws IOException {
        Path whole = tmp.resolve("emb-whole");
        for (int part = 0; part < 4; part++) {
            EmbeddingFixtures.writePart(whole, "p" + part, part * 100, 100, "v1");
        }
        Path dir = tmp.resolve("guarded-" + kind);
        String store = switch (kind) {
            case "lucene" -> "lucene:" + dir;
            case "lucene-3-shards" -> "lucene:" + dir + "?shards=3";
            default -> chroma.url().toString().replace("http", "chroma:http") + "/guarded";
        };
        build(whole, store, 64, BuildJob.Removal.KEEP);
        Map<String, Long> before = filesOf(dir);
        Path partial = tmp.resolve("emb-partial");
        EmbeddingFixtures.writePart(partial, "p0", 0, 100, "v1");
        EmbeddingFixtures.writePart(partial, "new", 1000, 5, "v1");

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> build(partial, store, 64, BuildJob.Removal.REMOVE_MISSING));

        assertTrue(refused.getMessage().contains("would remove 300 of the 400 records"), refused.getMessage());
        assertTrue(refused.getMessage().contains("--force"), refused.getMessage());
        assertEquals(400, count(store), "a refused build writes nothing, not even the new rows");
        assertEquals(before, filesOf(dir), "every file of the store is as it was");

        BuildReport forced = build(partial, store, 64, BuildJob.Removal.REMOVE_MISSING_FORCED);
        assertEquals(300, forced.removed());
        assertEquals(5, forced.written());
        assertEquals(105, count(store));
    }

    /** Every file under {@code dir} (none for a store elsewhere) with its length, manifest and shard files alike. */
    private static Map<String, Long> filesOf(Path dir) throws IOException {
        Map<String, Long> files = new HashMap<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    files.put(dir.relativize(file).toString(), Files.size(file));
                }
            }
        }
        return files;
    }

    /**
     * The driver reads only the manifest of a store on s3a: each task downloads its own shard into its scratch,
     * so nothing of the store is copied into the driver's cache, however many records it holds.
     */
    @Test
    void anIncrementalBuildIntoAStoreOnS3aLeavesTheDriversCacheAlone() throws IOException {
        try (var s3 = moto.client()) {
            s3.createBucket(request -> request.bucket("builds"));
        }
        Path cache = ModelFetcher.defaultCacheDir().resolve("stores");
        Map<String, Long> cachedBefore = filesOf(cache);
        String store = "lucene:s3a://builds/incremental?shards=3";
        Path embeddings = tmp.resolve("emb-s3a");
        EmbeddingFixtures.writePart(embeddings, "a", 0, 300, "v1");
        assertEquals(300, build(embeddings, store, 64, BuildJob.Removal.KEEP).written());

        EmbeddingFixtures.writePart(embeddings, "b", 290, 60, "v2");
        BuildReport grown = build(embeddings, store, 64, BuildJob.Removal.KEEP);
        assertEquals(60, grown.written());
        assertEquals(300, grown.unchanged(), "part a as it was, ids 290-299 included");
        assertEquals(350, grown.count());

        Files.delete(embeddings.resolve("embeddings/part-a.parquet"));
        BuildReport pruned = build(embeddings, store, 64, BuildJob.Removal.REMOVE_MISSING_FORCED);
        assertEquals(290, pruned.removed());
        assertEquals(60, pruned.unchanged());
        assertEquals(60, pruned.count());
        assertEquals(cachedBefore, filesOf(cache), "the builds copied nothing into the driver's cache");

        try (VectorStore opened = StoreUri.parse(store).withHadoopConf(moto.s3aConf()).open(OpenMode.READ_ONLY)) {
            opened.awaitReady();
            assertEquals(60, opened.count());
            assertEquals(RecordIds.sha256Hex("file:/images/img-295.pngv2".getBytes()), opened
                    .get(RecordIds.forUri("file:/images/img-295.png")).orElseThrow().metadata()
                    .get(MetadataSchema.SHA256));
            assertFalse(opened.get(RecordIds.forUri("file:/images/img-0.png")).isPresent(), "pruned");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void removeMissingWithinTheLimitNeedsNoForce() throws IOException {
        Path embeddings = tmp.resolve("emb-churn");
        EmbeddingFixtures.writePart(embeddings, "a", 0, 95, "v1");
        EmbeddingFixtures.writePart(embeddings, "b", 95, 5, "v1");
        String store = "lucene:" + tmp.resolve("churn-index") + "?shards=3";
        build(embeddings, store, 64, BuildJob.Removal.KEEP);
        Files.delete(embeddings.resolve("embeddings/part-b.parquet"));

        assertEquals(5, build(embeddings, store, 64, BuildJob.Removal.REMOVE_MISSING).removed());
        assertEquals(95, count(store));
    }

    /** Without a shard count the driver reads the footers to choose one; with one, the shard tasks meet the part. */
    @ParameterizedTest
    @ValueSource(strings = {"", "?shards=2"})
    void aTruncatedPartFailsNamingTheFileAndCreatesNoStore(String options) throws IOException {
        Path embeddings = tmp.resolve("emb-truncated" + options.length());
        EmbeddingFixtures.writePart(embeddings, "good", 0, 50, "v1");
        EmbeddingFixtures.writePart(embeddings, "torn", 50, 50, "v1");
        truncate(embeddings.resolve("embeddings/part-torn.parquet"));
        Path index = tmp.resolve("never-built" + options.length());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(embeddings, "lucene:" + index + options, 64, BuildJob.Removal.KEEP));

        assertTrue(e.getMessage().contains("part-torn.parquet"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertFalse(Files.exists(index), "a failed build must leave no half-built store");
    }

    @Test
    void aCorruptPartLeavesAnExistingStoreAsItWas() throws IOException {
        Path embeddings = tmp.resolve("emb-corrupt");
        EmbeddingFixtures.writePart(embeddings, "a", 0, 50, "v1");
        String store = "lucene:" + tmp.resolve("kept-index");
        build(embeddings, store, 64, BuildJob.Removal.KEEP);
        EmbeddingFixtures.writePart(embeddings, "b", 50, 50, "v1");
        EmbeddingFixtures.writePart(embeddings, "c", 100, 50, "v1");
        corruptTheMiddle(embeddings.resolve("embeddings/part-c.parquet"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(embeddings, store, 10, BuildJob.Removal.KEEP));

        assertTrue(e.getMessage().contains("part-c.parquet"), e.getMessage());
        assertEquals(50, count(store), "nothing of a failed build is written, not even the readable part b");
    }

    @Test
    void aStoreKeepsTheModelOfItsFirstBuildAndRefusesEmbeddingsOfAnother() throws IOException {
        Path first = tmp.resolve("out-model-a");
        EmbedOutputFixtures.commitShard(first, "00000-aa", 3, EmbedOutputFixtures.PROVENANCE);
        Path second = tmp.resolve("out-model-b");
        ModelIdentity other = new ModelIdentity("tiny", "cd".repeat(32));
        EmbedOutputFixtures.commitShard(second, "00000-bb", 4, new Provenance(other, "pre", 8));
        String store = "lucene:" + tmp.resolve("one-model-index");
        build(first, store, 64, BuildJob.Removal.KEEP);

        ModelMismatchException e = assertThrows(ModelMismatchException.class,
                () -> build(second, store, 64, BuildJob.Removal.KEEP));

        assertEquals(store + " holds embeddings of model " + EmbedOutputFixtures.PROVENANCE.model() + ", not of "
                + other + ": build these embeddings into a store of their own", e.getMessage());
        try (VectorStore opened = StoreUri.parse(store).open(OpenMode.READ_ONLY)) {
            assertEquals(3, opened.count(), "nothing of the other model was written");
            assertEquals(Optional.of(EmbedOutputFixtures.PROVENANCE.model()), opened.model());
        }
    }

    @Test
    void rowsOfTwoDimensionsInOneShardRefuseTheBuildAndCreateNoStore() throws IOException {
        Path embeddings = tmp.resolve("emb-two-dims");
        EmbeddingFixtures.writePart(embeddings, "a", IntStream.range(0, 30).toArray(), 32);
        EmbeddingFixtures.writePart(embeddings, "b", IntStream.range(30, 40).toArray(), 16);
        Path index = tmp.resolve("two-dims-index");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(embeddings, "lucene:" + index + "?shards=1", 64, BuildJob.Removal.KEEP));

        assertEquals("the embeddings mix dimensions 16 and 32: they come from more than one model", e.getMessage());
        assertFalse(Files.exists(index), "a refused build leaves no store");
    }

    /** Each shard's task sees one dimension only: the driver, comparing the shards, refuses. */
    @Test
    void shardsOfDifferentDimensionsRefuseTheBuildAndCreateNoStore() throws IOException {
        Path index = tmp.resolve("disagreeing-index");
        StoreUri store = StoreUri.parse("lucene:" + index + "?shards=2");
        ShardedBuild.Plan plan;
        try (ShardedBuild probe = store.openShardedBuild(0, 1)) {
            plan = probe.plan();
            probe.abandon();
        }
        Map<Boolean, List<Integer>> byShard = IntStream.range(0, 40).boxed().collect(Collectors.partitioningBy(
                i -> plan.shardOf(RecordIds.forUri(EmbeddingFixtures.uri(i))) == 0));
        assertFalse(byShard.get(true).isEmpty() || byShard.get(false).isEmpty(), "both shards get rows");
        Path embeddings = tmp.resolve("emb-disagreeing");
        EmbeddingFixtures.writePart(embeddings, "zero",
                byShard.get(true).stream().mapToInt(Integer::intValue).toArray(), 32);
        EmbeddingFixtures.writePart(embeddings, "one",
                byShard.get(false).stream().mapToInt(Integer::intValue).toArray(), 8);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(embeddings, store.text(), 64, BuildJob.Removal.KEEP));

        assertEquals("the embeddings mix dimensions 8 and 32: they come from more than one model", e.getMessage());
        assertFalse(Files.exists(index), "a refused build leaves no store");
    }

    @Test
    void embeddingsOfAnotherDimensionThanTheStoresLeaveItAsItWas() throws IOException {
        Path first = tmp.resolve("emb-dim-32");
        EmbeddingFixtures.writePart(first, "a", 0, 50, "v1");
        Path dir = tmp.resolve("dim-32-index");
        String store = "lucene:" + dir + "?shards=2";
        build(first, store, 64, BuildJob.Removal.KEEP);
        Map<String, Long> before = filesOf(dir);
        Path other = tmp.resolve("emb-dim-16");
        EmbeddingFixtures.writePart(other, "b", IntStream.range(0, 60).toArray(), 16);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(other, store, 64, BuildJob.Removal.KEEP));

        assertEquals("the embeddings have dimension 16 but " + store + " holds vectors of dimension "
                + EmbeddingFixtures.DIM + ": build it from the same model", e.getMessage());
        assertEquals(50, count(store));
        assertEquals(before, filesOf(dir), "every file of the store is as it was");
    }

    /** Lucene's shard tasks read the parts themselves; Chroma's build reads them through Spark with the given schema. */
    @ParameterizedTest
    @ValueSource(strings = {"lucene", "chroma"})
    void anOutputOfAnOlderVersionWithoutTheOptionalColumnsStillBuilds(String kind) throws IOException {
        Path current = tmp.resolve("emb-current-" + kind);
        EmbeddingFixtures.writePart(current, "a", 0, 20, "v1");
        Path older = tmp.resolve("emb-older-" + kind);
        spark.read().parquet(current.resolve("embeddings").toString())
                .drop("caption", "label", "metadata", "source_offset", "source_length")
                .write().parquet(older.resolve("embeddings").toString());
        String store = kind.equals("lucene") ? "lucene:" + tmp.resolve("older-index")
                : chroma.url().toString().replace("http", "chroma:http") + "/older";

        assertEquals(20, build(older, store, 64, BuildJob.Removal.KEEP).written());

        try (VectorStore opened = StoreUri.parse(store).open(OpenMode.READ_ONLY)) {
            VectorRecord record = opened.get(RecordIds.forUri(EmbeddingFixtures.uri(4))).orElseThrow();
            assertEquals(RecordIds.sha256Hex((EmbeddingFixtures.uri(4) + "v1").getBytes()),
                    record.metadata().get(MetadataSchema.SHA256));
            assertFalse(record.metadata().containsKey(MetadataSchema.CAPTION), record.metadata().toString());
        }
    }

    @Test
    void parquetOfOtherRowsIsNotAnEmbeddingsOutput() {
        Path other = tmp.resolve("not-embeddings");
        spark.sql("SELECT 'a' AS id, 'file:/a' AS uri").write().parquet(other.toString());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(other, "lucene:" + tmp.resolve("not-built"), 64, BuildJob.Removal.KEEP));

        assertTrue(e.getMessage().startsWith(other + " is not an embeddings output: it has no 'width' column"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("not-built")));
    }

    /** The schema given to Spark is the one it would infer from an embed job's file. */
    @Test
    void theGivenSchemaIsTheInferredOne() throws IOException {
        Path embeddings = tmp.resolve("emb-schema");
        EmbeddingFixtures.writePart(embeddings, "a", 0, 3, "v1");
        String file = embeddings.resolve("embeddings/part-a.parquet").toString();

        assertEquals(spark.read().parquet(file).schema(),
                spark.read().schema(SparkSchemas.of(EmbeddingParquet.EMBEDDINGS)).parquet(file).schema());
    }

    /** Cuts the file in half, footer and all, as a full disk or a killed copy leaves it. */
    private static void truncate(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    }

    /** Overwrites the middle third of the file (its data pages), footer intact. */
    private static void corruptTheMiddle(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = bytes.length / 3; i < 2 * bytes.length / 3; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Files.write(file, bytes);
    }

    @Test
    void chromaKilledAndRestartedDuringTheBuildLosesNothing() throws Exception {
        Path embeddings = tmp.resolve("emb-restart");
        for (int part = 0; part < 8; part++) {
            EmbeddingFixtures.writePart(embeddings, "p" + part, part * 1000, 1000, "v1");
        }
        String store = "chroma:" + chroma.url() + "/restart-test";
        CompletableFuture<BuildReport> build = CompletableFuture.supplyAsync(
                () -> build(embeddings, store, 100, BuildJob.Removal.KEEP));
        // Creating: the build creates the collection only once it has read its input.
        try (VectorStore opened = StoreUri.parse(store).open(OpenMode.CREATE_OR_WRITE)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (opened.count() < 500 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(opened.count() < 8000, "the build finished before Chroma could be killed");
        }
        chroma.kill();
        Thread.sleep(1500);
        chroma.start();
        BuildReport report = build.get(3, TimeUnit.MINUTES);
        assertEquals(8000, report.count());
        try (VectorStore opened = StoreUri.parse(store).open(OpenMode.READ_ONLY)) {
            assertEquals(8000, opened.count());
        }
    }
}

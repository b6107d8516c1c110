package dev.imgsearch.store.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.source.MotoServer;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.ShardedBuild;
import dev.imgsearch.store.ShardedBuilds;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A sharded build as the build job drives it (one writer per shard, then one publish), on a local directory and on
 * s3a (a real S3 API server): records land in the shard their id routes to, a build that is abandoned or never
 * published leaves the previous state, and a store on s3a is read from a checked local copy and answers as the same
 * store built locally.
 */
class ShardedBuildTest {

    private static final int DIM = 16;
    private static final ModelIdentity MODEL = new ModelIdentity("clip", "c".repeat(64));

    @TempDir
    static Path tmp;
    private static MotoServer moto;
    private static S3Client s3;

    @BeforeAll
    static void startS3() throws Exception {
        moto = MotoServer.start();
        s3 = moto.client();
        s3.createBucket(b -> b.bucket("stores"));
    }

    @AfterAll
    static void stopS3() throws IOException {
        if (s3 != null) {
            s3.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private static List<ShardedBuild.ShardResult> build(StoreUri uri, List<VectorRecord> upserts, List<String> deletes) {
        return ShardedBuilds.build(uri, Optional.of(MODEL), upserts, deletes);
    }

    private static List<ShardedBuild.ShardResult> write(ShardedBuild.Plan plan, List<VectorRecord> upserts,
                                                        List<String> deletes) {
        return ShardedBuilds.write(plan, upserts, deletes);
    }

    private static List<VectorRecord> records(int from, int n, long seed) {
        Random random = new Random(seed);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) random.nextGaussian();
            }
            records.add(new VectorRecord("img-" + i, v, Map.of(MetadataSchema.URI, "file:/img-" + i + ".png")));
        }
        return records;
    }

    private static long count(StoreUri uri) {
        try (VectorStore store = uri.open(OpenMode.READ_ONLY)) {
            return store.count();
        }
    }

    @Test
    void everyRecordLivesInTheShardItsIdRoutesToAndChangesFollowIt() throws IOException {
        Path dir = tmp.resolve("routed");
        StoreUri uri = StoreUri.parse("lucene:" + dir + "?shards=4");
        build(uri, records(0, 200, 1), List.of());
        // Changed vectors of existing ids, new ids, and deletes, in a second build.
        build(uri, records(150, 100, 2), List.of("img-3", "img-4", "img-5"));

        StoreManifest manifest = new LocalRoot(dir).manifest().orElseThrow();
        assertEquals(4, manifest.shards());
        Set<String> seen = new HashSet<>();
        for (StoreManifest.ShardEntry entry : manifest.entries()) {
            try (LuceneVectorStore shard = LuceneVectorStore.open(dir.resolve(entry.path()), OpenMode.READ_ONLY,
                    LuceneIndexSettings.DEFAULT, LuceneIndex.SettingsCheck.EXISTING_KEEPS_ITS_OWN, 100)) {
                shard.forEachRecord(MetadataSchema.URI, (id, uriValue) -> {
                    assertEquals(entry.shard(), ShardRouting.shardOf(id, 4), id + " is in the wrong shard");
                    assertTrue(seen.add(id), id + " is in two shards");
                });
                assertEquals(entry.docs(), shard.count());
            }
        }
        assertEquals(247, seen.size());
        assertFalse(seen.contains("img-4"));
        try (VectorStore store = uri.open(OpenMode.READ_ONLY)) {
            assertEquals(247, store.count());
            assertEquals(java.util.Optional.of(MODEL), store.model());
            VectorRecord changed = records(150, 100, 2).get(10);
            assertEquals(changed.id(), store.search(changed.vector(), SearchRequest.top(1)).get(0).id());
        }
    }

    @Test
    void routingIsAFixedFunctionOfTheId() {
        // Pinned: a change here would send every existing store's upserts and deletes to the wrong shards.
        // FNV-1a 64 of the UTF-8 bytes, unsigned, modulo the shard count (checked against a Python one-liner).
        assertEquals(List.of(5, 1, 0, 2), Stream.of("a", "img-1", "s3a://bucket/key.jpg", "x".repeat(300))
                .map(id -> ShardRouting.shardOf(id, 7)).toList());
        assertEquals(0, ShardRouting.shardOf("anything", 1));
    }

    @Test
    void aBuildNeverPublishedOrAbandonedLeavesThePreviousStateAndNoLeftovers() throws IOException {
        Path dir = tmp.resolve("kept");
        StoreUri uri = StoreUri.parse("lucene:" + dir + "?shards=2");
        build(uri, records(0, 50, 3), List.of());

        // Written, not published: what a build killed before its publish leaves.
        try (ShardedBuild killed = uri.openShardedBuild(50, 2)) {
            write(killed.plan(), records(50, 50, 4), List.of("img-0"));
        }
        assertEquals(50, count(uri), "an unpublished build changes nothing");
        try (ShardedBuild failed = uri.openShardedBuild(50, 2)) {
            write(failed.plan(), records(100, 50, 5), List.of());
            failed.abandon();
        }
        assertEquals(50, count(uri));

        build(uri, records(50, 50, 4), List.of());
        assertEquals(100, count(uri));
        try (Stream<Path> shards = Files.list(dir.resolve("shards"))) {
            assertEquals(2, shards.count(), "the next publish removes what unpublished builds left");
        }
    }

    @Test
    void aFirstBuildAbandonedLeavesNoStore() {
        Path dir = tmp.resolve("never");
        StoreUri uri = StoreUri.parse("lucene:" + dir + "?shards=2");
        try (ShardedBuild failed = uri.openShardedBuild(10, 2)) {
            write(failed.plan(), records(0, 10, 6), List.of());
            failed.abandon();
        }
        assertFalse(uri.exists());
        assertFalse(Files.exists(dir), "a failed first build leaves nothing behind");
    }

    @Test
    void theShardCountOfAStoreIsFixedAndANewStoreSizesItsOwn() {
        StoreUri uri = StoreUri.parse("lucene:" + tmp.resolve("fixed") + "?shards=2");
        build(uri, records(0, 10, 7), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreUri.parse("lucene:" + tmp.resolve("fixed") + "?shards=3").openShardedBuild(10, 2));
        assertTrue(e.getMessage().contains("has 2 shards, not 3"), e.getMessage());

        assertEquals(1, ShardCount.choose(10_000, 8), "a small input is one shard: more would only slow queries");
        assertEquals(2, ShardCount.choose(100_000, 2));
        assertEquals(8, ShardCount.choose(10_000_000, 8));
        assertEquals(50, ShardCount.choose(100_000_000, 8), "no shard grows past the most one task should build");
    }

    @Test
    void theRowsAreCountedOnlyWhenANewStoreChoosesItsShardCount() {
        LongSupplier uncounted = () -> {
            throw new AssertionError("the rows were counted");
        };
        StoreUri asked = StoreUri.parse("lucene:" + tmp.resolve("asked") + "?shards=2");
        try (ShardedBuild build = asked.openShardedBuild(uncounted, 2)) {
            assertEquals(2, build.plan().shards());
            build.abandon();
        }
        StoreUri existing = StoreUri.parse("lucene:" + tmp.resolve("counted-once"));
        build(existing, records(0, 10, 9), List.of());
        try (ShardedBuild build = existing.openShardedBuild(uncounted, 2)) {
            assertEquals(1, build.plan().shards(), "the store keeps the count it chose from its first build's rows");
        }
        int[] counted = {0};
        StoreUri chosen = StoreUri.parse("lucene:" + tmp.resolve("chosen"));
        try (ShardedBuild build = chosen.openShardedBuild(() -> ++counted[0] * 100_000L, 2)) {
            assertEquals(2, build.plan().shards());
            build.abandon();
        }
        assertEquals(1, counted[0]);
    }

    @Test
    void aStoreOnS3IsReadFromACheckedLocalCopyAndAnswersAsTheSameStoreBuiltLocally() throws Exception {
        List<VectorRecord> records = records(0, 300, 8);
        StoreUri local = StoreUri.parse("lucene:" + tmp.resolve("local-twin") + "?shards=3");
        StoreUri remote = StoreUri.parse("lucene:s3a://stores/images?shards=3").withHadoopConf(moto.s3aConf());
        build(local, records, List.of());
        build(remote, records, List.of());
        assertTrue(remote.exists());
        assertThrows(StoreException.class, () -> remote.open(OpenMode.CREATE_OR_WRITE),
                "a store on s3a is written by builds only");

        Path cache = tmp.resolve("cache");
        HadoopRoot root = new HadoopRoot("s3a://stores/images", moto.s3aConf(), cache);
        try (VectorStore fromS3 = ShardedLuceneStore.open(root, OpenMode.READ_ONLY, LuceneIndexSettings.DEFAULT,
                LuceneIndex.SettingsCheck.EXISTING_KEEPS_ITS_OWN, 0, 100);
             VectorStore fromDisk = local.open(OpenMode.READ_ONLY)) {
            fromS3.awaitReady();
            assertEquals(300, fromS3.count());
            assertEquals(java.util.Optional.of(MODEL), fromS3.model());
            for (VectorRecord query : records.subList(0, 20)) {
                List<SearchHit> a = fromS3.search(query.vector(), SearchRequest.top(10));
                List<SearchHit> b = fromDisk.search(query.vector(), SearchRequest.top(10));
                assertEquals(b.stream().map(SearchHit::id).toList(), a.stream().map(SearchHit::id).toList());
            }
        }

        // A corrupt cached file is found by its checksum and copied again.
        Path cachedFile;
        try (Stream<Path> files = Files.walk(cache)) {
            cachedFile = files.filter(Files::isRegularFile)
                    .max(java.util.Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(cachedFile);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(cachedFile, bytes);
        try (VectorStore again = ShardedLuceneStore.open(root, OpenMode.READ_ONLY, LuceneIndexSettings.DEFAULT,
                LuceneIndex.SettingsCheck.EXISTING_KEEPS_ITS_OWN, 0, 100)) {
            again.awaitReady();
            VectorRecord query = records.get(42);
            assertEquals(query.id(), again.search(query.vector(), SearchRequest.top(1)).get(0).id());
        }
    }
}

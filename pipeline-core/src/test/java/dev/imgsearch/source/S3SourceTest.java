package dev.imgsearch.source;

import dev.imgsearch.source.parquet.ParquetFixtures;

import dev.imgsearch.source.tar.TarFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.imgsearch.source.SourceTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Image folders and Parquet tables on s3a, against moto's S3 server on loopback. */
class S3SourceTest {

    private static final String BUCKET = "imgsearch-source-test";
    private static MotoServer moto;
    private static S3Client s3;
    private static SourceOptions options;

    @BeforeAll
    static void startS3() throws Exception {
        moto = MotoServer.start();
        s3 = moto.client();
        s3.createBucket(b -> b.bucket(BUCKET));
        options = SourceOptions.builder().hadoopConf(moto.s3aConf()).build();
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

    private static void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void imageFolderUnderAPrefixIsListedRecursivelySortedWithCaptions() throws IOException {
        put("imgs/b/two.PNG", bytes("two"));
        put("imgs/a/one.jpg", bytes("one"));
        put("imgs/a/empty.gif", new byte[0]);
        put("imgs/notes.txt", bytes("not an image"));
        put("imgs/.hidden/x.png", bytes("hidden"));
        put("imgs/captions.tsv", bytes("a/one.jpg\tThe first one.\n"));
        put("imgs-other/three.png", bytes("another prefix"));
        ImageSource source = ImageSources.open("s3a://" + BUCKET + "/imgs", options);

        List<Shard> plan = source.plan(2).shards();
        List<SourceItem> items = readAll(source, SourceTestSupport.viaJavaSerialization(plan));

        assertEquals(plan, source.plan(2).shards());
        assertEquals(2, plan.size());
        String base = "s3a://" + BUCKET + "/imgs/";
        assertEquals(List.of(base + "a/empty.gif", base + "a/one.jpg", base + "b/two.PNG"),
                items.stream().map(SourceItem::uri).toList());
        assertArrayEquals(new byte[0], items.get(0).bytes());
        assertArrayEquals(bytes("one"), items.get(1).bytes());
        assertEquals("The first one.", items.get(1).caption());
        assertNull(items.get(2).caption());
    }

    @Test
    void anObjectDeletedAfterPlanningBecomesAReadError() throws IOException {
        put("gone/keep.png", bytes("keep"));
        put("gone/lose.png", bytes("lose"));
        ImageSource source = ImageSources.open("s3a://" + BUCKET + "/gone/", options);
        List<Shard> plan = source.plan(10).shards();
        s3.deleteObject(b -> b.bucket(BUCKET).key("gone/lose.png"));

        List<SourceItem> items = readAll(source, plan);

        assertArrayEquals(bytes("keep"), items.get(0).bytes());
        assertNull(items.get(1).bytes());
        assertTrue(items.get(1).readError().startsWith("FileNotFoundException"), items.get(1).readError());
    }

    @Test
    void aMissingPrefixFailsThePlanNamingIt() {
        ImageSource source = ImageSources.open("s3a://" + BUCKET + "/missing", options);
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> source.plan(10).shards());
        assertEquals("no such folder or file: s3a://" + BUCKET + "/missing", e.getMessage());
    }

    @Test
    void parquetTableOnS3IsShardedByRowGroups(@TempDir Path dir) throws IOException {
        Path local = dir.resolve("t.parquet");
        ParquetFixtures.writeHf(local, ParquetFixtures.rows(5, 40, 0, 0), 2);
        put("tables/t.parquet/part-00000.parquet", Files.readAllBytes(local));
        put("tables/t.parquet/_SUCCESS", new byte[0]);
        ImageSource source = ImageSources.open("s3a://" + BUCKET + "/tables/t.parquet", options);

        List<Shard> plan = source.plan(2).shards();
        List<SourceItem> items = readAll(source, plan);

        assertEquals(3, plan.size());
        assertEquals(5, items.size());
        assertEquals("s3a://" + BUCKET + "/tables/t.parquet/part-00000.parquet#row=4", items.get(4).uri());
        assertArrayEquals(ParquetFixtures.image(4, 40), items.get(4).bytes());
        assertEquals("caption 4", items.get(4).caption());
    }

    @Test
    void tarShardsUnderAPrefixAreReadAndServedBackWithOneRangedRead(@TempDir Path dir) throws IOException {
        for (int shard = 0; shard < 2; shard++) {
            Path tar = TarFixtures.write(dir.resolve(shard + ".tar"), TarFixtures.members()
                    .add("k" + shard + ".jpg", ParquetFixtures.image(shard, 700)).add("k" + shard + ".txt", "c" + shard));
            put("wds/shard-0000" + shard + ".tar", Files.readAllBytes(tar));
        }
        put("wds/shard-00000_stats.json", bytes("{}"));
        ImageSource source = ImageSources.open("s3a://" + BUCKET + "/wds/", options);

        SourcePlan plan = source.plan(100);
        List<SourceItem> items = readAll(source, plan.shards());

        assertEquals(2, plan.shards().size());
        assertEquals("s3a://" + BUCKET + "/wds/shard-00001.tar#k1.jpg", items.get(1).uri());
        assertEquals("c1", items.get(1).caption());
        ImageFetcher fetcher = new ImageFetcher(options);
        for (SourceItem item : items) {
            assertArrayEquals(item.bytes(), fetcher.fetch(ItemLocation.of(item.uri(), item.info().member()), 1 << 20));
        }
    }

    @Test
    void parquetRowsOnS3AreServedBack(@TempDir Path dir) throws IOException {
        Path local = dir.resolve("rows.parquet");
        ParquetFixtures.writeHf(local, ParquetFixtures.rows(6, 40, 0, 0), 2);
        put("served/rows.parquet", Files.readAllBytes(local));
        byte[] bytes = new ImageFetcher(options).fetch(
                ItemLocation.of("s3a://" + BUCKET + "/served/rows.parquet#row=5", null), 1 << 20);
        assertArrayEquals(ParquetFixtures.image(5, 40), bytes);
    }
}

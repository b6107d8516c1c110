package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.RecordIds;
import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.ImageSources;
import dev.imgsearch.source.MotoServer;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;
import dev.imgsearch.source.SourceTestSupport;
import dev.imgsearch.source.hub.FakeHub;
import dev.imgsearch.source.parquet.ParquetFixtures;
import dev.imgsearch.source.tar.TarFixtures;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.lucene.LuceneIndexSettings;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/images/{id}} for every kind of source the embed job reads: the bytes served are the source's (same
 * SHA-256 as the record), for Hub files, tar members and Parquet rows, Parquet rows on disk and on s3a, and tar
 * members on disk, plain and gzip-compressed; and files whose names hold a backslash or are not UTF-8.
 */
class SourceImagesTest {

    @TempDir
    static Path temp;

    private static FakeHub hub;
    private static MotoServer moto;
    private static LuceneVectorStore store;
    private static SearchServer server;
    /** Record id to the SHA-256 of the bytes the source gave when embedding. */
    private static final Map<String, String> expected = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        ServeFixture fixture = ServeFixture.get();
        hub = new FakeHub();
        moto = MotoServer.start();
        Path images = Files.createDirectories(temp.resolve("images"));
        Path tar = TarFixtures.write(images.resolve("wds/00000.tar"), TarFixtures.members()
                .add("a.jpg", sample(fixture, 0)).add("a.txt", "a").add("b.png", sample(fixture, 1)));
        Path tgz = TarFixtures.write(images.resolve("wds/00001.tar.gz"), TarFixtures.members()
                .add("c.jpg", sample(fixture, 2)));
        Path odd = Files.createDirectories(images.resolve("odd"));
        Files.write(odd.resolve("back\\slash.png"), sample(fixture, 8));
        Files.write(Path.of(java.net.URI.create(odd.toUri() + "caf%E9.png")), sample(fixture, 9)); // Latin-1, not UTF-8
        Path parquet = images.resolve("table/rows.parquet");
        List<ParquetFixtures.Row> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rows.add(new ParquetFixtures.Row(sample(fixture, 3 + i), null, "row " + i, i));
        }
        ParquetFixtures.writeHf(parquet, rows, 2);
        hub.publish("acme/wds", "main", Map.of("train/00000.tar", tar, "train/00001.tar.gz", tgz));
        hub.publish("acme/pets", "refs/convert/parquet", Map.of("default/train/0000.parquet", parquet));

        Http s3 = new Http(Integer.parseInt(moto.endpoint().substring(moto.endpoint().lastIndexOf(':') + 1)));
        s3.send(s3.request("/bucket").PUT(HttpRequest.BodyPublishers.noBody()).build());
        s3.send(s3.request("/bucket/t/rows.parquet").PUT(HttpRequest.BodyPublishers.ofFile(parquet)).build());
        s3.send(s3.request("/bucket/wds/00000.tar").PUT(HttpRequest.BodyPublishers.ofFile(tar)).build());

        SourceOptions sources = SourceOptions.builder().hfEndpoint(hub.endpoint()).hadoopConf(moto.s3aConf()).build();
        float[] vector = fixture.store.get(fixture.anyId()).orElseThrow().vector();
        List<VectorRecord> records = new ArrayList<>();
        for (String location : List.of("hf://datasets/acme/wds", "hf://datasets/acme/pets@~parquet/default/train",
                parquet.toString(), images.resolve("wds").toString(), odd.toString(), "s3a://bucket/t/rows.parquet",
                "s3a://bucket/wds/")) {
            ImageSource source = ImageSources.open(location, sources);
            for (SourceItem item : SourceTestSupport.readAll(source, source.plan(100).shards())) {
                String sha = RecordIds.sha256Hex(item.bytes());
                String id = RecordIds.forUri(item.uri());
                expected.put(id, sha);
                var member = item.info().member();
                records.add(VectorRecord.of(new EmbeddingRecord(id, item.uri(), 1, 1, sha, "tiny", vector,
                        item.caption(), item.info().label(), item.info().metadataJson(),
                        member == null ? null : member.offset(), member == null ? null : member.length())));
            }
        }
        store = LuceneVectorStore.open(temp.resolve("index"), OpenMode.CREATE_OR_WRITE, LuceneIndexSettings.DEFAULT,
                LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
        store.upsert(records);
        server = new SearchServer(ServerConfig.local(List.of(images)).toBuilder().hadoopConf(moto.s3aConf()).build(), store,
                java.util.concurrent.CompletableFuture.completedFuture(fixture.model), sources).start();
    }

    private static byte[] sample(ServeFixture fixture, int index) throws IOException {
        return Files.readAllBytes(List.copyOf(fixture.images.values()).get(index));
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.stop();
        }
        if (store != null) {
            store.close();
        }
        if (moto != null) {
            moto.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void everySourcesImagesAreServedWithTheirOwnBytes() {
        Http http = new Http(server.port());
        assertEquals(3 + 5 + 5 + 3 + 2 + 5 + 2, expected.size(),
                "hub tars, hub rows, local rows, local tars, odd names, s3a rows, s3a tar");
        expected.forEach((id, sha) -> {
            HttpResponse<byte[]> response = http.get("/api/images/" + id);
            assertEquals(200, response.statusCode(), () -> id + ": " + Http.text(response));
            assertEquals(sha, RecordIds.sha256Hex(response.body()), id);
            assertEquals("\"" + sha + "\"", response.headers().firstValue("ETag").orElseThrow());
        });
    }

    @Test
    void thumbnailsOfTarMembersScaleTheMembersImage() {
        Http http = new Http(server.port());
        String tarMember = expected.keySet().iterator().next();
        HttpResponse<byte[]> thumbnail = http.get("/api/images/" + tarMember + "?size=32");
        assertEquals(200, thumbnail.statusCode(), () -> Http.text(thumbnail));
        java.awt.image.BufferedImage scaled;
        try {
            scaled = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(thumbnail.body()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(32, Math.max(scaled.getWidth(), scaled.getHeight()), "the longer side is the size asked for");
    }
}

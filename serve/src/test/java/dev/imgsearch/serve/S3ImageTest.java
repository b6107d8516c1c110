package dev.imgsearch.serve;

import static dev.imgsearch.serve.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.imgsearch.record.RecordIds;
import dev.imgsearch.source.MotoServer;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.lucene.LuceneIndexSettings;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images whose source is {@code s3a:}, read through Hadoop's S3A file system from a real S3 API (moto) on loopback. */
class S3ImageTest {

    @TempDir
    static Path temp;

    private static MotoServer moto;
    private static LuceneVectorStore store;
    private static SearchServer server;
    private static byte[] image;

    @BeforeAll
    static void start() throws Exception {
        ServeFixture fixture = ServeFixture.get();
        moto = MotoServer.start();
        Http s3 = new Http(Integer.parseInt(moto.endpoint().substring(moto.endpoint().lastIndexOf(':') + 1)));
        image = Files.readAllBytes(fixture.images.get(fixture.idOf("cake")));
        assertEquals(200, s3.send(s3.request("/photos").PUT(HttpRequest.BodyPublishers.noBody()).build()).statusCode());
        assertEquals(200, s3.send(s3.request("/photos/2024/cake.jpg")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(image)).build()).statusCode());

        float[] vector = fixture.store.get(fixture.anyId()).orElseThrow().vector();
        store = LuceneVectorStore.open(temp.resolve("index"), OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.DEFAULT, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
        store.upsert(List.of(
                record("in-s3", "s3a://photos/2024/cake.jpg", RecordIds.sha256Hex(image), vector),
                record("gone", "s3a://photos/2024/missing.jpg", RecordIds.sha256Hex(new byte[0]), vector)));
        Map<String, String> s3a = new HashMap<>(moto.s3aConf());
        s3a.put("fs.s3a.attempts.maximum", "1");
        server = fixture.start(ServerConfig.builder().port(0).hadoopConf(s3a).build(), store);
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
    }

    @Test
    void originalsAndThumbnailsComeFromS3() {
        Http http = new Http(server.port());
        HttpResponse<byte[]> original = http.get("/api/images/in-s3");
        assertEquals(200, original.statusCode(), () -> Http.text(original));
        assertArrayEquals(image, original.body());
        assertEquals("\"" + RecordIds.sha256Hex(image) + "\"", original.headers().firstValue("ETag").orElseThrow());
        HttpResponse<byte[]> thumbnail = http.get("/api/images/in-s3?size=48");
        assertEquals(200, thumbnail.statusCode(), () -> Http.text(thumbnail));
        assertEquals("image/jpeg", thumbnail.headers().firstValue("Content-Type").orElseThrow());
        assertError(http.get("/api/images/gone"), 404, "no longer exists");
    }

    private static VectorRecord record(String id, String uri, String sha256, float[] vector) {
        return new VectorRecord(id, vector, Map.of(MetadataSchema.URI, uri, MetadataSchema.SHA256, sha256));
    }
}

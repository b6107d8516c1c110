package dev.imgsearch.serve;

import static dev.imgsearch.serve.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.imgsearch.record.RecordIds;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.lucene.LuceneIndexSettings;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images whose source is {@code s3a:}, read through Hadoop's S3A file system from a real S3 API (moto) on loopback. */
class S3ImageTest {

    @TempDir
    static Path temp;

    private static Process moto;
    private static LuceneVectorStore store;
    private static SearchServer server;
    private static byte[] image;

    @BeforeAll
    static void start() throws Exception {
        ServeFixture fixture = ServeFixture.get();
        int port = freePort();
        moto = new ProcessBuilder(motoServer().toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(temp.resolve("moto.log").toFile()).start();
        awaitListening(port);
        String endpoint = "http://127.0.0.1:" + port;
        Http s3 = new Http(port);
        image = Files.readAllBytes(fixture.images.get(fixture.idOf("cake")));
        assertEquals(200, s3.send(s3.request("/photos").PUT(HttpRequest.BodyPublishers.noBody()).build()).statusCode());
        assertEquals(200, s3.send(s3.request("/photos/2024/cake.jpg")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(image)).build()).statusCode());

        float[] vector = fixture.store.get(fixture.anyId()).orElseThrow().vector();
        store = LuceneVectorStore.open(temp.resolve("index"), LuceneIndexSettings.DEFAULT,
                LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
        store.upsert(List.of(
                record("in-s3", "s3a://photos/2024/cake.jpg", RecordIds.sha256Hex(image), vector),
                record("gone", "s3a://photos/2024/missing.jpg", RecordIds.sha256Hex(new byte[0]), vector)));
        server = fixture.start(ServerConfig.local(List.of()).withHadoopConf(Map.of(
                "fs.s3a.endpoint", endpoint,
                "fs.s3a.path.style.access", "true",
                "fs.s3a.connection.ssl.enabled", "false",
                "fs.s3a.endpoint.region", "us-east-1",
                "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
                "fs.s3a.access.key", "test",
                "fs.s3a.secret.key", "test",
                "fs.s3a.attempts.maximum", "1")), store);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.stop();
        }
        if (store != null) {
            store.close();
        }
        if (moto != null) {
            moto.destroy();
            moto.waitFor(10, TimeUnit.SECONDS);
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

    private static Path motoServer() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "moto_server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        fail("moto_server is not on PATH: the s3a image test needs a real S3 API server on loopback"
                + " (install it with: pip install 'moto[server]')");
        throw new AssertionError("unreachable");
    }

    private static void awaitListening(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!moto.isAlive()) {
                fail("moto_server exited with " + moto.exitValue() + ": " + Files.readString(temp.resolve("moto.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        fail("moto_server did not listen on 127.0.0.1:" + port + " within 60 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

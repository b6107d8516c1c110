package dev.imgsearch.serve;

import static dev.imgsearch.serve.Errors.assertError;
import static dev.imgsearch.serve.SearchApiTest.ids;
import static dev.imgsearch.serve.SearchApiTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.chroma.ChromaStoreOptions;
import dev.imgsearch.store.chroma.ChromaVectorStore;
import dev.imgsearch.store.chroma.client.RetryPolicy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service over a real Chroma server (the npm chromadb binary from {@code .ci/chroma/install.sh}): it answers
 * like the Lucene-backed one, and readiness follows the server going away and coming back.
 */
class ChromaServeTest {

    private static final Path INSTALLED = Path.of("../.ci/chroma/node_modules/.bin/chroma");

    @TempDir
    static Path data;

    private static ServeFixture fixture;
    private static Process chroma;
    private static int chromaPort;
    private static ChromaVectorStore store;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeFalse("true".equals(System.getenv("IMGSEARCH_SKIP_CHROMA")), "IMGSEARCH_SKIP_CHROMA=true");
        fixture = ServeFixture.get();
        chromaPort = freePort();
        startChroma();
        // Few, short retries: the test wants to see an outage, not ride it out.
        store = ChromaVectorStore.open(URI.create("http://127.0.0.1:" + chromaPort), "serve-test",
                ChromaStoreOptions.DEFAULT.withRetry(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(50))));
        List<VectorRecord> records = fixture.images.keySet().stream()
                .map(id -> fixture.store.get(id).orElseThrow()).toList();
        store.upsert(records);
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (chroma != null) {
            chroma.destroyForcibly();
        }
    }

    @Test
    void answersLikeTheLuceneStoreAndReadinessFollowsTheServer() throws Exception {
        try (SearchServer overChroma = fixture.start(fixture.config(), store);
             SearchServer overLucene = fixture.start(fixture.config())) {
            Http http = new Http(overChroma.port());
            Http lucene = new Http(overLucene.port());
            assertEquals(fixture.images.size(), ok(http.get("/ready")).get("images").asInt());
            String query = "/api/search?k=8&text=" + SearchApiTest.encode("a telephone on a desk");
            assertEquals(ids(ok(lucene.get(query))), ids(ok(http.get(query))));
            String id = fixture.idOf("acquila");
            assertEquals(ids(ok(lucene.get("/api/images/" + id + "/similar?k=5"))),
                    ids(ok(http.get("/api/images/" + id + "/similar?k=5"))));
            assertEquals(200, http.get("/api/images/" + id + "?size=64").statusCode());

            chroma.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            assertEquals("ok", Http.json(http.get("/health")).get("status").asText());
            assertError(http.get("/ready"), 503, "the vector store is unavailable");
            assertError(http.get(query), 503, "the vector store is unavailable");
            assertError(http.get("/api/images/" + id), 503, "the vector store is unavailable");

            startChroma();
            assertEquals(fixture.images.size(), ok(http.get("/ready")).get("images").asInt());
            assertEquals(ids(ok(lucene.get(query))), ids(ok(http.get(query))));
        }
    }

    private static void startChroma() throws IOException, InterruptedException {
        Path binary = System.getenv("IMGSEARCH_CHROMA_BIN") != null
                ? Path.of(System.getenv("IMGSEARCH_CHROMA_BIN")) : INSTALLED;
        if (!Files.isExecutable(binary)) {
            fail("no Chroma server at " + binary.toAbsolutePath().normalize() + ": run `bash .ci/chroma/install.sh` in "
                    + "the repository root (or set IMGSEARCH_CHROMA_BIN, or IMGSEARCH_SKIP_CHROMA=true to skip)");
        }
        chroma = new ProcessBuilder(binary.toString(), "run", "--path", data.resolve("chroma").toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(chromaPort))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("chroma.log").toFile()))
                .start();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest heartbeat = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + chromaPort + "/api/v2/heartbeat")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(heartbeat, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            if (!chroma.isAlive()) {
                fail("chroma exited with " + chroma.exitValue() + "; see " + data.resolve("chroma.log"));
            }
            Thread.sleep(100);
        }
        fail("chroma did not answer within 60 s; see " + data.resolve("chroma.log"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.imgsearch.serve;

import static dev.imgsearch.serve.Errors.assertError;
import static dev.imgsearch.serve.SearchApiTest.ids;
import static dev.imgsearch.serve.SearchApiTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.chroma.ChromaServer;
import dev.imgsearch.store.chroma.ChromaStoreOptions;
import dev.imgsearch.store.chroma.ChromaVectorStore;
import dev.imgsearch.http.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service over a real Chroma server (the npm chromadb binary from {@code .ci/chroma/install.sh}): it answers
 * like the Lucene-backed one, and readiness follows the server going away and coming back.
 */
class ChromaServeTest {

    @TempDir
    static Path data;

    private static ServeFixture fixture;
    private static ChromaServer chroma;
    private static ChromaVectorStore store;

    @BeforeAll
    static void start() throws Exception {
        fixture = ServeFixture.get();
        chroma = ChromaServer.start(data.resolve("chroma"));
        // Few, short retries: the test wants to see an outage, not ride it out.
        store = ChromaVectorStore.open(chroma.url(), "serve-test", OpenMode.CREATE_OR_WRITE, ChromaStoreOptions.builder()
                .retry(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(50))).build());
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
            chroma.close();
        }
    }

    @Test
    void answersLikeTheLuceneStoreAndReadinessFollowsTheServer() throws Exception {
        // Chroma is killed and restarted milliseconds after a readiness probe: each probe must see the store as it is.
        ServerConfig uncached = fixture.config().toBuilder().readinessCacheTtl(Duration.ZERO).build();
        try (SearchServer overChroma = fixture.start(uncached, store);
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

            chroma.kill();
            assertEquals("ok", Http.json(http.get("/health")).get("status").asText());
            assertError(http.get("/ready"), 503, "the vector store is unavailable");
            assertError(http.get(query), 503, "the vector store is unavailable");
            assertError(http.get("/api/images/" + id), 503, "the vector store is unavailable");

            chroma.start();
            assertEquals(fixture.images.size(), ok(http.get("/ready")).get("images").asInt());
            assertEquals(ids(ok(lucene.get(query))), ids(ok(http.get(query))));
        }
    }
}

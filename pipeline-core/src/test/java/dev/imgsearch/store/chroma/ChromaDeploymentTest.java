package dev.imgsearch.store.chroma;

import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.StoreOpener;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.chroma.client.ChromaToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chroma as it is deployed for real, against the npm server: behind token authentication (enforced by a
 * {@link ChromaProxy}, since the npm server has none), in a tenant's own database, and with SPANN collections (whose
 * answers the proxy gives as distributed Chroma does, since the npm server builds only HNSW).
 */
class ChromaDeploymentTest {

    private static final String SECRET = "ck-5ecret-t0ken";
    private static final String TENANT = "team-a";
    private static final String DATABASE = "images";

    @TempDir
    static Path data;

    private static ChromaServer server;
    private static ChromaProxy xChromaToken;
    private static ChromaProxy bearer;
    private static Path tokenFile;

    @BeforeAll
    static void start() throws Exception {
        server = ChromaServer.start(data.resolve("chroma"));
        xChromaToken = ChromaProxy.xChromaToken(server.url(), SECRET);
        bearer = ChromaProxy.bearer(server.url(), SECRET);
        tokenFile = Files.writeString(data.resolve("chroma.token"), SECRET + "\n");
        post("/api/v2/tenants", "{\"name\":\"" + TENANT + "\"}");
        post("/api/v2/tenants/" + TENANT + "/databases", "{\"name\":\"" + DATABASE + "\"}");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {xChromaToken, bearer, server}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aTokenReadFromAFileIsSentAsXChromaToken() {
        assertWritesAndSearches(StoreUri.parse("chroma:" + xChromaToken.url() + "/by-x-token?token=file:" + tokenFile));
    }

    @Test
    void theTokenIsSentAsABearerWhenTheUriAsks() {
        assertWritesAndSearches(StoreUri.parse("chroma:" + bearer.url() + "/by-bearer?token=file:" + tokenFile
                + "&token-header=Authorization"));
    }

    @Test
    void withoutTheTokenTheErrorSaysWhatToDoOnOneLine() {
        StoreUri uri = StoreUri.parse("chroma:" + xChromaToken.url() + "/no-token");

        StoreException e = assertThrows(StoreException.class, () -> uri.open(OpenMode.CREATE_OR_WRITE));

        assertTrue(e.getMessage().contains("answered 401") && e.getMessage().contains("?token=env:VARIABLE"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertThrows(StoreException.class, uri::exists, "asking whether it exists needs the token too");
    }

    @Test
    void aWrongTokenIsRefusedAndNeverShown() throws IOException {
        Path wrong = Files.writeString(data.resolve("wrong.token"), "not-" + SECRET);
        StoreUri uri = StoreUri.parse("chroma:" + xChromaToken.url() + "/wrong-token?token=file:" + wrong);

        StoreException e = assertThrows(StoreException.class, () -> uri.open(OpenMode.CREATE_OR_WRITE));

        assertTrue(e.getMessage().contains("answered 403"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void theTokenIsSentWithTheHeaderTheServerWantsOnly() {
        StoreUri bearerToXChroma = StoreUri.parse("chroma:" + xChromaToken.url() + "/crossed?token=file:" + tokenFile
                + "&token-header=authorization");

        StoreException e = assertThrows(StoreException.class, () -> bearerToXChroma.open(OpenMode.CREATE_OR_WRITE));

        assertTrue(e.getMessage().contains("answered 401"), e.getMessage());
    }

    @Test
    void anOpenerCarriesTheTokenItsJvmReadToJvmsWithoutTheFile() throws Exception {
        Path file = Files.writeString(data.resolve("driver-only.token"), SECRET);
        StoreUri uri = StoreUri.parse("chroma:" + xChromaToken.url() + "/opener?token=file:" + file);
        uri.open(OpenMode.CREATE_OR_WRITE).close();
        byte[] serialized = serialize(uri.opener());
        Files.delete(file);

        StoreOpener executor = deserialize(serialized);
        try (VectorStore writer = executor.open(OpenMode.WRITE_EXISTING)) {
            writer.upsert(ChromaVectorStoreTest.records(5, 8, Map.of(), new Random(5)));
            assertEquals(5, writer.count());
        }
        StoreException e = assertThrows(StoreException.class, () -> uri.open(OpenMode.WRITE_EXISTING));
        assertTrue(e.getMessage().contains("cannot read the Chroma token file " + file), e.getMessage());
    }

    @Test
    void tokenOptionsAreCheckedWhenTheUriIsParsed() {
        String base = "chroma:http://127.0.0.1:9/c0llection";
        for (String[] bad : new String[][] {
                {base + "?token=" + SECRET, "env:VARIABLE or file:PATH"},
                {base + "?token=env:", "env:VARIABLE or file:PATH"},
                {base + "?token-header=authorization", "option token-header needs option token"},
                {base + "?token=env:T&token-header=basic", "x-chroma-token or authorization, got 'basic'"},
                {base + "?tenant=", "non-empty names"},
                {base + "?writers=0", "option writers needs at least 1"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StoreUri.parse(bad[0]),
                    bad[0]);
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET), "a token pasted into the URI is not printed: " + e.getMessage());
        }
    }

    @Test
    void tokenSourcesSayWhatIsMissing() {
        TokenSource variable = TokenSource.parse("env:CHROMA_TOKEN");
        assertEquals("ChromaToken[x-chroma-token, redacted]",
                variable.read(ChromaToken.Header.X_CHROMA_TOKEN, name -> name.equals("CHROMA_TOKEN") ? SECRET : null)
                        .toString());

        StoreException unset = assertThrows(StoreException.class,
                () -> variable.read(ChromaToken.Header.X_CHROMA_TOKEN, name -> null));
        assertEquals("the Chroma token's environment variable CHROMA_TOKEN is not set", unset.getMessage());

        StoreException blank = assertThrows(StoreException.class,
                () -> variable.read(ChromaToken.Header.AUTHORIZATION, name -> " \n"));
        assertEquals("the Chroma token is empty (read from environment variable CHROMA_TOKEN)", blank.getMessage());

        StoreException spaced = assertThrows(StoreException.class,
                () -> variable.read(ChromaToken.Header.AUTHORIZATION, name -> "two words"));
        assertTrue(spaced.getMessage().contains("position 4 of 9") && !spaced.getMessage().contains("words"),
                spaced.getMessage());
    }

    @Test
    void aTenantsDatabaseKeepsItsOwnCollections() {
        StoreUri tenants = StoreUri.parse("chroma:" + server.url() + "/shared-name?tenant=" + TENANT + "&database="
                + DATABASE);
        StoreUri defaults = StoreUri.parse("chroma:" + server.url() + "/shared-name");
        try (VectorStore store = tenants.open(OpenMode.CREATE_OR_WRITE)) {
            store.upsert(ChromaVectorStoreTest.records(4, 8, Map.of(), new Random(6)));
        }

        assertFalse(defaults.exists(), "the default database has no such collection");
        assertTrue(tenants.exists());
        try (VectorStore store = defaults.open(OpenMode.CREATE_OR_WRITE)) {
            store.upsert(ChromaVectorStoreTest.records(2, 8, Map.of(), new Random(7)));
        }
        try (VectorStore t = tenants.open(OpenMode.READ_ONLY); VectorStore d = defaults.open(OpenMode.READ_ONLY)) {
            assertEquals(4, t.count());
            assertEquals(2, d.count());
        }
    }

    @Test
    void aMissingDatabaseIsNamedInTheError() {
        StoreUri uri = StoreUri.parse("chroma:" + server.url() + "/anything?tenant=" + TENANT + "&database=typo-db");

        StoreException e = assertThrows(StoreException.class, () -> uri.open(OpenMode.READ_ONLY));

        assertEquals("Chroma at " + server.url() + "/ has no database 'typo-db' in tenant '" + TENANT
                + "': check ?tenant= and ?database= of the store URI", e.getMessage());
    }

    @Test
    void aSpannCollectionIsWrittenAndSearched() {
        try (ChromaProxy spann = ChromaProxy.rewritingCollections(server.url(), ChromaDeploymentTest::asSpann)) {
            StoreUri uri = StoreUri.parse("chroma:" + spann.url() + "/spann-cosine");
            assertWritesAndSearches(uri);
        }
    }

    @Test
    void aSpannCollectionOfAnotherSpaceIsRefused() {
        try (ChromaProxy spann = ChromaProxy.rewritingCollections(server.url(),
                answer -> asSpann(answer).replace("\"space\":\"cosine\"", "\"space\":\"l2\""))) {
            StoreUri uri = StoreUri.parse("chroma:" + spann.url() + "/spann-l2");

            StoreException e = assertThrows(StoreException.class, () -> uri.open(OpenMode.CREATE_OR_WRITE));

            assertTrue(e.getMessage().contains("uses the l2 space (SPANN index); imgsearch needs cosine"),
                    e.getMessage());
        }
    }

    /**
     * A collection answer as distributed Chroma gives it: {@code configuration_json} with {@code "hnsw": null} and the
     * SPANN index, every field of chromadb's {@code InternalSpannConfiguration} (rust/types/src/spann_configuration.rs)
     * with its defaults; the space is the one the collection was created with.
     */
    private static String asSpann(String answer) {
        assertTrue(answer.contains("\"hnsw\":{\"space\":\"cosine\""), answer);
        return answer.replaceFirst("\"hnsw\":\\{[^}]*},\"spann\":null", "\"hnsw\":null,\"spann\":{"
                + "\"search_nprobe\":64,\"search_rng_factor\":1.0,\"search_rng_epsilon\":10.0,\"nreplica_count\":8,"
                + "\"write_rng_factor\":1.0,\"write_rng_epsilon\":5.0,\"split_threshold\":50,"
                + "\"num_samples_kmeans\":1000,\"initial_lambda\":100.0,\"reassign_neighbor_count\":64,"
                + "\"merge_threshold\":25,\"num_centers_to_merge_to\":8,\"write_nprobe\":32,"
                + "\"ef_construction\":200,\"ef_search\":200,\"max_neighbors\":64,\"space\":\"cosine\"}");
    }

    private static void assertWritesAndSearches(StoreUri uri) {
        List<VectorRecord> records = ChromaVectorStoreTest.records(20, 8, Map.of(), new Random(uri.text().length()));
        try (VectorStore store = uri.open(OpenMode.CREATE_OR_WRITE)) {
            store.upsert(records);
        }
        try (VectorStore reader = uri.open(OpenMode.READ_ONLY)) {
            assertEquals(20, reader.count());
            assertEquals("r7", reader.search(records.get(7).vector(), SearchRequest.top(1)).get(0).id());
        }
    }

    private static void post(String path, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static byte[] serialize(Object object) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        return bytes.toByteArray();
    }

    private static StoreOpener deserialize(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (StoreOpener) in.readObject();
        }
    }
}

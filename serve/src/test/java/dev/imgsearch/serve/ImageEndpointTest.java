package dev.imgsearch.serve;

import com.fasterxml.jackson.databind.JsonNode;
import static dev.imgsearch.serve.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.imgsearch.record.RecordIds;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.lucene.LuceneIndexSettings;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Originals and thumbnails with cache headers, from file: (strictly inside the image roots) and http: sources; every
 * traversal trick, in the request path or in a record's source URI, ends in a 4xx without the file's bytes.
 */
class ImageEndpointTest {

    @TempDir
    static Path temp;

    private static ServeFixture fixture;
    private static SearchServer server;
    private static Http http;
    private static LuceneVectorStore trapStore;
    private static SearchServer trapServer;
    private static Http trap;
    private static HttpServer origin;
    private static byte[] secret;
    private static final Map<String, String> TRAP_IDS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        fixture = ServeFixture.get();
        server = fixture.start(fixture.config());
        http = new Http(server.port());

        Path root = Files.createDirectories(temp.resolve("root"));
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path sibling = Files.createDirectories(temp.resolve("root-sibling"));
        byte[] sample = Files.readAllBytes(fixture.images.get(fixture.idOf("cake")));
        secret = Files.readAllBytes(fixture.images.get(fixture.idOf("acquila")));
        Files.write(root.resolve("inside.png"), sample);
        Files.writeString(root.resolve("notes.txt"), "not an image");
        Files.write(outside.resolve("secret.png"), secret);
        Files.write(sibling.resolve("secret.png"), secret);
        Files.createSymbolicLink(root.resolve("link.png"), outside.resolve("secret.png"));
        Files.createSymbolicLink(root.resolve("linkdir"), outside);

        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/", exchange -> {
            boolean found = exchange.getRequestURI().getPath().equals("/img.jpg");
            byte[] body = found ? sample : "missing".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(found ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        origin.start();
        String originBase = "http://127.0.0.1:" + origin.getAddress().getPort();

        String rootUri = root.toUri().toString();
        TRAP_IDS.put("inside", rootUri + "inside.png");
        TRAP_IDS.put("not-an-image", rootUri + "notes.txt");
        TRAP_IDS.put("missing", rootUri + "gone.png");
        TRAP_IDS.put("http", originBase + "/img.jpg");
        TRAP_IDS.put("http-missing", originBase + "/missing.png");
        TRAP_IDS.put("dotdot", rootUri + "../outside/secret.png");
        TRAP_IDS.put("encoded-dotdot", rootUri + "%2e%2e/outside/secret.png");
        TRAP_IDS.put("encoded-slashes", rootUri + "..%2F..%2Foutside%2Fsecret.png");
        TRAP_IDS.put("dot", rootUri + "./inside.png");
        TRAP_IDS.put("symlink-file", rootUri + "link.png");
        TRAP_IDS.put("symlink-dir", rootUri + "linkdir/secret.png");
        TRAP_IDS.put("absolute-outside", outside.resolve("secret.png").toUri().toString());
        TRAP_IDS.put("sibling-prefix", sibling.resolve("secret.png").toUri().toString());
        TRAP_IDS.put("etc-passwd", "file:///etc/passwd");
        TRAP_IDS.put("bare-path", "/etc/passwd");
        TRAP_IDS.put("relative", "../../etc/passwd");
        TRAP_IDS.put("remote-host", "file://evil.example/etc/passwd");
        TRAP_IDS.put("nul-byte", rootUri + "inside.png%00.txt");
        TRAP_IDS.put("opaque", "file:inside.png");

        float[] vector = fixture.store.get(fixture.anyId()).orElseThrow().vector();
        List<VectorRecord> records = new ArrayList<>();
        TRAP_IDS.forEach((id, uri) -> records.add(new VectorRecord(id, vector, Map.of(
                MetadataSchema.URI, uri, MetadataSchema.SHA256, RecordIds.sha256Hex(uri.getBytes(StandardCharsets.UTF_8)),
                MetadataSchema.MODEL, fixture.model.descriptor().name()))));
        trapStore = LuceneVectorStore.open(temp.resolve("trap-index"), OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.DEFAULT, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
        trapStore.upsert(records);
        trapServer = fixture.start(ServerConfig.local(List.of(root)), trapStore);
        trap = new Http(trapServer.port());
    }

    @AfterAll
    static void stop() {
        server.stop();
        trapServer.stop();
        trapStore.close();
        origin.stop(0);
    }

    @Test
    void originalIsTheFileWithContentTypeFromItsBytesAndCacheHeaders() throws IOException {
        String id = fixture.idOf("cake");
        HttpResponse<byte[]> response = http.get("/api/images/" + id);
        assertEquals(200, response.statusCode());
        assertArrayEquals(Files.readAllBytes(fixture.images.get(id)), response.body());
        assertEquals("image/jpeg", response.headers().firstValue("Content-Type").orElseThrow());
        String sha = RecordIds.sha256Hex(response.body());
        assertEquals("\"" + sha + "\"", response.headers().firstValue("ETag").orElseThrow());
        assertEquals("public, max-age=86400", response.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());

        HttpResponse<byte[]> again = http.get("/api/images/" + id, "If-None-Match", "\"" + sha + "\"");
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
    }

    @Test
    void thumbnailsFitTheRequestedSizeAndRevalidate() throws IOException {
        for (String id : fixture.images.keySet()) {
            HttpResponse<byte[]> response = http.get("/api/images/" + id + "?size=64");
            assertEquals(200, response.statusCode(), () -> Http.text(response));
            BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(response.body()));
            BufferedImage original = ImageIO.read(fixture.images.get(id).toFile());
            int longest = Math.max(original.getWidth(), original.getHeight());
            assertEquals(Math.min(64, longest), Math.max(thumb.getWidth(), thumb.getHeight()), id);
            double aspect = (double) original.getWidth() / original.getHeight();
            assertEquals(aspect, (double) thumb.getWidth() / thumb.getHeight(), 0.1 * aspect + 2.0 / 64, id);
            String type = response.headers().firstValue("Content-Type").orElseThrow();
            assertEquals(original.getColorModel().hasAlpha() ? "image/png" : "image/jpeg", type, id);
            String etag = response.headers().firstValue("ETag").orElseThrow();
            assertTrue(etag.endsWith("-64\""), etag);
            assertEquals(304, http.get("/api/images/" + id + "?size=64", "If-None-Match", etag).statusCode());
            HttpResponse<byte[]> cached = http.get("/api/images/" + id + "?size=64");
            assertArrayEquals(response.body(), cached.body(), "the cached thumbnail is the same");
        }
    }

    @Test
    void badThumbnailSizes() {
        String id = fixture.anyId();
        assertError(http.get("/api/images/" + id + "?size=0"), 400, "size must be an integer between 16 and 1024");
        assertError(http.get("/api/images/" + id + "?size=5000"), 400, "size must be an integer between 16 and 1024");
        assertError(http.get("/api/images/" + id + "?size=big"), 400, "size must be an integer between 16 and 1024");
        assertError(http.get("/api/images/" + id + "?width=10"), 400, "unknown parameter 'width'");
    }

    @Test
    void filesInsideTheRootAndHttpSourcesAreServed() throws IOException {
        HttpResponse<byte[]> inside = trap.get("/api/images/inside");
        assertEquals(200, inside.statusCode(), () -> Http.text(inside));
        assertArrayEquals(Files.readAllBytes(temp.resolve("root/inside.png")), inside.body());

        HttpResponse<byte[]> remote = trap.get("/api/images/http");
        assertEquals(200, remote.statusCode(), () -> Http.text(remote));
        assertArrayEquals(inside.body(), remote.body());
        assertEquals(200, trap.get("/api/images/http?size=32").statusCode());
    }

    @Test
    void unservableSourcesAreClientErrors() {
        assertError(trap.get("/api/images/missing"), 404, "no longer exists");
        assertError(trap.get("/api/images/http-missing"), 404, "answers 404");
        assertError(trap.get("/api/images/not-an-image"), 422, "not in an image format");
        assertError(trap.get("/api/images/bare-path"), 404, "cannot be served");
        assertError(trap.get("/api/images/relative"), 404, "cannot be served");
    }

    @Test
    void traversalThroughRecordUrisIsRefused() {
        for (String id : List.of("dotdot", "encoded-dotdot", "dot", "symlink-file", "symlink-dir", "absolute-outside",
                "sibling-prefix", "etc-passwd", "remote-host", "nul-byte", "opaque")) {
            HttpResponse<byte[]> response = trap.get("/api/images/" + id);
            assertError(response, 403, "");
            assertNoSecret(response);
            assertNoSecret(trap.get("/api/images/" + id + "?size=64"));
        }
        HttpResponse<byte[]> encodedSlashes = trap.get("/api/images/encoded-slashes");
        assertTrue(encodedSlashes.statusCode() == 403 || encodedSlashes.statusCode() == 404, Http.text(encodedSlashes));
        assertNoSecret(encodedSlashes);
    }

    @Test
    void traversalThroughTheRequestPathIsRefused() {
        for (String path : List.of(
                "/api/images/../../../../etc/passwd",
                "/api/images/inside/../../../outside/secret.png",
                "/api/images/..%2F..%2F..%2Fetc%2Fpasswd",
                "/api/images/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                "/api/images/%2e%2e/%2e%2e/etc/passwd",
                "/api/images/..%5C..%5Cetc%5Cpasswd",
                "/api/images/..\\..\\etc\\passwd",
                "/api/images/%2Fetc%2Fpasswd",
                "/api/images//etc/passwd",
                "/api/images/....%2F%2F....%2F%2Fetc%2Fpasswd",
                "/api/images/%252e%252e%252fetc%252fpasswd",
                "/api/images/..%00/etc/passwd",
                "/api/images/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
                "/api/images/symlink-file/../dotdot")) {
            Http.Raw response = trap.rawGet(path);
            int status = response.status();
            assertTrue(status >= 400 && status < 500, () -> path + " answered " + status + ": " + response.body());
            assertError(response, status, "");
            assertFalse(response.body().contains("root:"), path);
        }
    }

    @Test
    void resultsShowLocalFilesRelativeToTheirRootAndNeverTheServersPaths() {
        Map<String, String> shown = resultUris(trap.get("/api/search?k=50&text=anything"));
        assertEquals(TRAP_IDS.keySet(), shown.keySet());
        assertEquals("inside.png", shown.get("inside"));
        assertEquals("linkdir/secret.png", shown.get("symlink-dir"));
        assertEquals("secret.png", shown.get("absolute-outside"), "outside every root: the file name alone");
        assertEquals("secret.png", shown.get("encoded-slashes"));
        assertEquals("passwd", shown.get("etc-passwd"));
        assertEquals("passwd", shown.get("bare-path"));
        assertEquals(TRAP_IDS.get("http"), shown.get("http"), "other sources are shown as indexed");
        assertEquals(TRAP_IDS.get("hf"), shown.get("hf"));
        shown.forEach((id, uri) -> {
            assertFalse(uri.contains(temp.toString()) || uri.contains("/etc") || uri.startsWith("file:/"), id + ": " + uri);
        });
        JsonNode compat = Http.json(trap.postJson("/search", "{\"text\": \"anything\", \"n_results\": 50}"));
        // The SkyPilot route answers the id GET /image/{image_path} serves, never a path.
        compat.forEach(result -> assertTrue(shown.containsKey(result.get("image_path").asText()), result.toString()));

        ServerConfig exposing = ServerConfig.local(List.of(temp.resolve("root"))).toBuilder()
                .localPaths(LocalPaths.ABSOLUTE).build();
        SearchServer exposed = fixture.start(exposing, trapStore);
        try {
            assertEquals(TRAP_IDS, resultUris(new Http(exposed.port()).get("/api/search?k=50&text=anything")));
        } finally {
            exposed.stop();
        }
    }

    private static Map<String, String> resultUris(HttpResponse<byte[]> response) {
        Map<String, String> uris = new java.util.TreeMap<>();
        SearchApiTest.ok(response).get("results").forEach(r -> uris.put(r.get("id").asText(), r.get("uri").asText()));
        return uris;
    }

    @Test
    void withoutImageRootsNoLocalFileIsServed() {
        SearchServer closed = fixture.start(ServerConfig.local(List.of()), trapStore);
        try {
            assertError(new Http(closed.port()).get("/api/images/inside"), 403, "without --image-root");
        } finally {
            closed.stop();
        }
    }

    private static void assertNoSecret(HttpResponse<byte[]> response) {
        assertFalse(response.statusCode() == 200, "served " + response.request().uri());
        assertFalse(java.util.Arrays.equals(secret, response.body()), "leaked the secret via " + response.request().uri());
    }
}

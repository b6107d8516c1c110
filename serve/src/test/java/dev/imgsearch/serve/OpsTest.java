package dev.imgsearch.serve;

import static dev.imgsearch.serve.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgsearch.model.ClipModel;
import dev.imgsearch.model.ModelDescriptor;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.lucene.LuceneIndexSettings;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Liveness, readiness while the model loads or does not fit, Prometheus metrics, access logs and the OpenAPI file. */
class OpsTest {

    private final ServeFixture fixture = ServeFixture.get();

    @Test
    void readyOnceTheModelIsLoadedAndTheStoreAnswers() throws IOException {
        CompletableFuture<ClipModel> loading = new CompletableFuture<>();
        try (SearchServer server = new SearchServer(fixture.config(), fixture.store, loading).start()) {
            Http http = new Http(server.port());
            assertEquals("ok", Http.json(http.get("/health")).get("status").asText());
            HttpResponse<byte[]> notYet = http.get("/ready");
            assertError(notYet, 503, "the model is still loading");
            assertEquals("not ready", Http.json(notYet).get("status").asText());
            assertError(http.get("/api/search?text=cat"), 503, "still loading");
            assertError(http.get("/api/search?text=cat&k=0"), 400, "k must be between");
            assertTrue(Http.text(http.get("/metrics")).contains("imgsearch_ready 0"));

            loading.complete(fixture.model);
            JsonNode ready = SearchApiTest.ok(http.get("/ready"));
            assertEquals("ready", ready.get("status").asText());
            assertEquals(fixture.model.descriptor().name(), ready.get("model").asText());
            assertEquals(fixture.images.size(), ready.get("images").asInt());
            SearchApiTest.ok(http.get("/api/search?text=cat"));
            assertTrue(Http.text(http.get("/metrics")).contains("imgsearch_ready 1"));
        }
    }

    @Test
    void notReadyWhenTheModelFailsOrDoesNotFitTheStore(@TempDir Path temp) throws IOException {
        CompletableFuture<ClipModel> failed = CompletableFuture.failedFuture(new IOException("model.pt is corrupt"));
        try (SearchServer server = new SearchServer(fixture.config(), fixture.store, failed).start()) {
            assertError(new Http(server.port()).get("/ready"), 503, "the model failed to load: model.pt is corrupt");
        }
        try (LuceneVectorStore other = LuceneVectorStore.open(temp.resolve("index"), OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.DEFAULT, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES)) {
            other.upsert(List.of(new VectorRecord("x", new float[] {1, 0, 0}, Map.of())));
            try (SearchServer server = fixture.start(fixture.config(), other)) {
                Http http = new Http(server.port());
                assertError(http.get("/ready"), 503, "makes 64-dimensional vectors but the store holds 3-dimensional");
                assertError(http.get("/api/search?text=cat"), 503, "3-dimensional");
            }
        }
    }

    @Test
    void aRealModelHasNoTestModelWarning(@TempDir Path temp) throws IOException {
        Path model = temp.resolve("model");
        java.nio.file.Files.createDirectories(model);
        for (String file : List.of("model.pt", "tokenizer.json")) {
            java.nio.file.Files.copy(ServeFixture.MODEL_DIR.resolve(file), model.resolve(file));
        }
        com.fasterxml.jackson.databind.node.ObjectNode descriptor = (com.fasterxml.jackson.databind.node.ObjectNode)
                Http.JSON.readTree(ServeFixture.MODEL_DIR.resolve(ModelDescriptor.FILE_NAME).toFile());
        descriptor.put("test_model", false);
        Http.JSON.writeValue(model.resolve(ModelDescriptor.FILE_NAME).toFile(), descriptor);
        try (ClipModel real = ClipModel.load(model);
             SearchServer server = new SearchServer(fixture.config(), fixture.store,
                     CompletableFuture.completedFuture(real)).start()) {
            JsonNode stats = SearchApiTest.ok(new Http(server.port()).get("/api/stats"));
            assertEquals("tiny-clip-test", stats.get("model").asText());
            assertEquals(false, stats.get("test_model").asBoolean());
            assertTrue(stats.get("warning").isNull(), stats.toString());
        }
    }

    @Test
        void notReadyOnceTheIndexIsDeletedUnderTheServerWhileStillAlive(@TempDir Path temp) throws Exception {
        Path index = temp.resolve("index");
        try (LuceneVectorStore built = LuceneVectorStore.open(index, OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.DEFAULT, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES)) {
            built.upsert(fixture.images.keySet().stream().map(id -> fixture.store.get(id).orElseThrow()).toList());
        }
        try (VectorStore serving = StoreUri.parse("lucene:" + index).open(OpenMode.READ_ONLY);
             SearchServer server = fixture.start(fixture.config(), serving)) {
            Http http = new Http(server.port());
            assertEquals(fixture.images.size(), SearchApiTest.ok(http.get("/ready")).get("images").asInt());

            deleteRecursively(index);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (http.get("/ready").statusCode() == 200 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            for (int i = 0; i < 30; i++) {
                assertError(http.get("/ready"), 503, "the vector store is unavailable");
                assertEquals(200, http.get("/health").statusCode(), "liveness is not readiness");
                Thread.sleep(100);
            }
            assertTrue(Http.text(http.get("/metrics")).contains("imgsearch_ready 0"));
        }
    }

    @Test
    void aFloodOfReadinessProbesChecksTheStoreAtMostOncePerTtl() {
        Duration ttl = Duration.ofSeconds(2);
        try (SearchServer server = fixture.start(fixture.config().toBuilder().readinessCacheTtl(ttl).build())) {
            Http http = new Http(server.port());
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                SearchApiTest.ok(http.get("/ready"));
            }
            long periods = (System.nanoTime() - start) / ttl.toNanos() + 1;
            Matcher probes = Pattern.compile("imgsearch_store_operation_duration_seconds_count\\{operation=\"probe\","
                    + "outcome=\"ok\"} ([0-9.]+)").matcher(Http.text(http.get("/metrics")));
            assertTrue(probes.find(), "the probe searches the store through the searches' path, timed as they are");
            double count = Double.parseDouble(probes.group(1));
            assertTrue(count >= 1 && count <= periods, count + " store probes for 50 readiness checks in " + periods
                    + " TTL periods");
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void metricsCountRequestsByRouteAndStatusAndTimeTheStore() {
        try (SearchServer server = fixture.start(fixture.config())) {
            Http http = new Http(server.port());
            for (int i = 0; i < 3; i++) {
                SearchApiTest.ok(http.get("/api/search?text=cat"));
            }
            http.get("/api/search?text=");
            http.get("/api/images/" + fixture.anyId() + "?size=32");
            http.get("/no/such/path/" + System.nanoTime());
            HttpResponse<byte[]> response = http.get("/metrics");
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
            String metrics = Http.text(response);
            assertTrue(metrics.contains(
                    "imgsearch_http_requests_total{method=\"GET\",route=\"/api/search\",status=\"200\"} 3"), metrics);
            assertTrue(metrics.contains(
                    "imgsearch_http_requests_total{method=\"GET\",route=\"/api/search\",status=\"400\"} 1"), metrics);
            assertTrue(metrics.contains("imgsearch_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/search\","
                    + "status=\"200\",le=\"+Inf\"} 3"), metrics);
            assertTrue(metrics.contains("route=\"/api/images/{id}\""), metrics);
            assertTrue(metrics.contains("imgsearch_store_operation_duration_seconds_count{operation=\"search\",outcome=\"ok\"} 3"),
                    metrics);
            assertTrue(metrics.contains("imgsearch_embed_duration_seconds_count{input=\"text\"} 3"), metrics);
            assertTrue(!metrics.contains("/no/such/path"), "unmatched paths must not become labels");
        }
    }

    @Test
    void accessLogWritesOneJsonLinePerRequest() throws IOException {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (lines) {
                    lines.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        ServeFixture.ACCESS_LOG.addHandler(capture);
        ServeFixture.ACCESS_LOG.setLevel(Level.INFO);
        try (SearchServer server = fixture.start(fixture.config())) {
            Http http = new Http(server.port());
            http.get("/api/search?text=secret+words", "X-Request-Id", "trace-42", "User-Agent", "ops-test");
            http.get("/api/search?text=");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (lines.size() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        } finally {
            ServeFixture.ACCESS_LOG.setLevel(Level.WARNING);
            ServeFixture.ACCESS_LOG.removeHandler(capture);
        }
        synchronized (lines) {
            assertEquals(2, lines.size(), lines.toString());
            int traced = lines.get(0).contains("trace-42") ? 0 : 1;
            JsonNode first = Http.JSON.readTree(lines.get(traced));
            assertEquals("trace-42", first.get("request_id").asText());
            assertEquals("GET", first.get("method").asText());
            assertEquals("/api/search", first.get("path").asText());
            assertEquals("/api/search", first.get("route").asText());
            assertEquals(200, first.get("status").asInt());
            assertEquals("127.0.0.1", first.get("client").asText());
            assertEquals("ops-test", first.get("user_agent").asText());
            assertTrue(first.get("duration_ms").asDouble() >= 0);
            assertTrue(first.hasNonNull("time"));
            assertTrue(!lines.get(traced).contains("secret"), "query texts stay out of the log");
            assertEquals(400, Http.JSON.readTree(lines.get(1 - traced)).get("status").asInt());
        }
    }

    @Test
    void openApiDescribesEveryRouteTheServerAnswers() throws IOException {
        try (SearchServer server = fixture.start(fixture.config())) {
            Http http = new Http(server.port());
            JsonNode spec = SearchApiTest.ok(http.get("/openapi.json"));
            assertTrue(spec.get("openapi").asText().startsWith("3."));
            Set<String> documented = new TreeSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                path.getValue().fieldNames().forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey()));
            }
            Set<String> served = new TreeSet<>(List.of("GET /api/search", "POST /api/search", "POST /api/search/image",
                    "GET /api/images/{id}", "GET /api/images/{id}/similar", "GET /api/stats", "POST /search",
                    "GET /image/{image_path}", "POST /knn-service", "GET /indices-list", "POST /metadata",
                    "GET /health", "GET /ready", "GET /metrics", "GET /openapi.json"));
            assertEquals(served, documented);
            String id = fixture.anyId();
            for (String route : served) {
                String[] parts = route.split(" ");
                String path = parts[1].replace("{id}", id).replace("{image_path}", id);
                HttpResponse<byte[]> response = parts[0].equals("GET") ? http.get(path) : http.postJson(path, "{}");
                assertTrue(response.statusCode() != 404 && response.statusCode() != 405, route + " is not served");
            }
            assertRefsResolve(spec, spec);
        }
    }

    private static void assertRefsResolve(JsonNode spec, JsonNode node) {
        if (node.isObject()) {
            if (node.has("$ref")) {
                JsonNode target = spec;
                for (String part : node.get("$ref").asText().substring(2).split("/")) {
                    target = target.get(part);
                    assertTrue(target != null, "dangling " + node.get("$ref").asText());
                }
            }
            node.elements().forEachRemaining(child -> assertRefsResolve(spec, child));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> assertRefsResolve(spec, child));
        }
    }
}

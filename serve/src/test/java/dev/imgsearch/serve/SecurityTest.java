package dev.imgsearch.serve;

import static dev.imgsearch.serve.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bearer key, CORS and the per-client rate limit, each on a server configured for it. */
class SecurityTest {

    private static final String KEY = "k3y-for-tests-only";

    private final ServeFixture fixture = ServeFixture.get();

    @Test
    void apiKeyIsRequiredOnTheApiOnly() {
        SearchServer server = fixture.start(fixture.config().toBuilder().apiKey(KEY).build());
        try {
            Http http = new Http(server.port());
            String id = fixture.anyId();
            for (String path : List.of("/api/search?text=cat", "/api/stats", "/api/images/" + id,
                    "/api/images/" + id + "/similar")) {
                HttpResponse<byte[]> missing = http.get(path);
                assertError(missing, 401, "missing API key");
                assertEquals("Bearer", missing.headers().firstValue("WWW-Authenticate").orElseThrow());
                assertError(http.get(path, "Authorization", "Bearer wrong-key"), 401, "invalid API key");
                assertError(http.get(path, "Authorization", "Basic " + KEY), 401, "invalid API key");
                assertEquals(200, http.get(path, "Authorization", "Bearer " + KEY).statusCode(), path);
            }
            assertError(http.postJson("/search", "{\"text\": \"cat\"}"), 401, "missing API key");
            assertEquals(200, http.postJson("/search", "{\"text\": \"cat\"}", "Authorization", "bearer " + KEY).statusCode());
            HttpResponse<byte[]> image = http.get("/api/images/" + id, "Authorization", "Bearer " + KEY);
            assertEquals("private, max-age=86400", image.headers().firstValue("Cache-Control").orElseThrow());
            for (String open : List.of("/health", "/ready", "/metrics", "/openapi.json", "/", "/app.js")) {
                assertEquals(200, http.get(open).statusCode(), open);
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void corsAllowsOnlyConfiguredOriginsAndPreflightsPassWithoutKey() {
        String allowed = "https://app.example";
        SearchServer server = fixture.start(fixture.config().toBuilder().apiKey(KEY).corsOrigins(List.of(allowed)).build());
        try {
            Http http = new Http(server.port());
            HttpResponse<byte[]> ok = http.get("/api/stats", "Origin", allowed, "Authorization", "Bearer " + KEY);
            assertEquals(200, ok.statusCode());
            assertEquals(allowed, ok.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());

            HttpResponse<byte[]> foreign = http.get("/api/stats", "Origin", "https://evil.example",
                    "Authorization", "Bearer " + KEY);
            assertFalse(foreign.headers().firstValue("Access-Control-Allow-Origin").isPresent());

            HttpRequest preflight = http.request("/api/search", "Origin", allowed,
                    "Access-Control-Request-Method", "POST",
                    "Access-Control-Request-Headers", "authorization, content-type")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<byte[]> answer = http.send(preflight);
            assertTrue(answer.statusCode() < 300, () -> answer.statusCode() + " " + Http.text(answer));
            assertEquals(allowed, answer.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            String allowedHeaders = answer.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().toLowerCase();
            assertTrue(allowedHeaders.contains("authorization"), allowedHeaders);
        } finally {
            server.stop();
        }
        SearchServer closed = fixture.start(fixture.config());
        try {
            HttpResponse<byte[]> none = new Http(closed.port()).get("/api/stats", "Origin", allowed);
            assertFalse(none.headers().firstValue("Access-Control-Allow-Origin").isPresent(), "no CORS unless configured");
        } finally {
            closed.stop();
        }
    }

    @Test
    void uploadLimitIsConfigurable() throws Exception {
        byte[] image = java.nio.file.Files.readAllBytes(fixture.images.get(fixture.idOf("cake")));
        SearchServer small = fixture.start(fixture.config().toBuilder().maxUploadBytes(image.length - 1).build());
        SearchServer roomy = fixture.start(fixture.config().toBuilder().maxUploadBytes(image.length).build());
        try {
            assertError(new Http(small.port()).post("/api/search/image", "image/jpeg", image), 413,
                    "larger than the limit of " + (image.length - 1) + " bytes");
            Http.Multipart form = new Http.Multipart().file("image", "cake.jpg", "image/jpeg", image);
            assertError(new Http(small.port()).post("/api/search/image", form.contentType(), form.build()), 413,
                    "larger than the limit");
            assertEquals(200, new Http(roomy.port()).post("/api/search/image", "image/jpeg", image).statusCode());
        } finally {
            small.stop();
            roomy.stop();
        }
    }

    @Test
    void behindATrustedProxyTheForwardedClientHasTheBucketAndSpoofingElsewhereIsIgnored() {
        SearchServer proxied = fixture.start(fixture.config().toBuilder().rateLimit(1).trustedProxies(Set.of("127.0.0.1")).build());
        SearchServer direct = fixture.start(fixture.config().toBuilder().rateLimit(1).build());
        try {
            Http viaProxy = new Http(proxied.port());
            assertEquals(200, forwardedFor(viaProxy, "203.0.113.7").statusCode());
            assertEquals(429, forwardedFor(viaProxy, "203.0.113.7").statusCode(), "that client's bucket is empty");
            assertEquals(200, forwardedFor(viaProxy, "198.51.100.1, 203.0.113.8").statusCode(),
                    "the nearest untrusted hop is the client, with its own bucket");

            Http spoofing = new Http(direct.port());
            assertEquals(200, forwardedFor(spoofing, "203.0.113.7").statusCode());
            assertEquals(429, forwardedFor(spoofing, "203.0.113.9").statusCode(),
                    "an untrusted peer cannot pick a new address with the header");
        } finally {
            proxied.stop();
            direct.stop();
        }
    }

    private static HttpResponse<byte[]> forwardedFor(Http http, String header) {
        return http.get("/api/stats", "X-Forwarded-For", header);
    }

    @Test
    void rateLimitAnswers429WithRetryAfterPerClient() {
        SearchServer server = fixture.start(fixture.config().toBuilder().rateLimit(1).build());
        try {
            Http http = new Http(server.port());
            int limited = 0;
            int passed = 0;
            for (int i = 0; i < 20; i++) {
                HttpResponse<byte[]> response = http.get("/api/stats");
                if (response.statusCode() == 429) {
                    limited++;
                    assertError(response, 429, "rate limit exceeded");
                    assertTrue(Integer.parseInt(response.headers().firstValue("Retry-After").orElseThrow()) >= 1);
                } else {
                    assertEquals(200, response.statusCode());
                    passed++;
                }
            }
            assertEquals(200, http.rawGet("/api/stats", "127.0.0.2").status(), "another client has its own bucket");
            assertTrue(limited >= 10, "limited " + limited);
            assertTrue(passed >= 1, "passed " + passed);
            assertEquals(200, http.get("/health").statusCode(), "operations endpoints are not limited");
            String metrics = Http.text(http.get("/metrics"));
            assertTrue(metrics.contains("imgsearch_rate_limited_total " + limited + ".0")
                    || metrics.contains("imgsearch_rate_limited_total " + limited), metrics);
        } finally {
            server.stop();
        }
    }
}

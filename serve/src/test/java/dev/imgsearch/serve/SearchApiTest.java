package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every search endpoint over real HTTP, checked against brute-force cosine ranking of the store's own vectors. */
class SearchApiTest {

    private static final String QUERY = "a red bird flying over the sea";

    private static ServeFixture fixture;
    private static SearchServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        fixture = ServeFixture.get();
        server = fixture.start(fixture.config());
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void textSearchRanksEveryImageByExactCosineWithItsMetadata() throws Exception {
        JsonNode page = ok(http.get("/api/search?k=20&text=" + encode(QUERY)));
        List<Map.Entry<String, Double>> expected = bruteForce(fixture.model.embedTexts(List.of(QUERY))[0]);
        JsonNode results = page.get("results");
        assertEquals(fixture.images.size(), results.size());
        for (int i = 0; i < results.size(); i++) {
            JsonNode result = results.get(i);
            assertEquals(expected.get(i).getKey(), result.get("id").asText(), "rank " + i);
            assertEquals(expected.get(i).getValue(), result.get("score").asDouble(), 1e-5, "score at rank " + i);
            Path file = fixture.images.get(result.get("id").asText());
            assertEquals(fixture.imageRoot.relativize(file.toRealPath()).toString().replace(File.separatorChar, '/'),
                    result.get("uri").asText(), "the path under the image root, not the server's absolute path");
            assertEquals(file.getParent().getFileName().toString(), result.get("caption").asText());
            assertTrue(result.get("width").asInt() > 0 && result.get("height").asInt() > 0);
            assertEquals("/api/images/" + result.get("id").asText(), result.get("image_url").asText());
            assertEquals("/api/images/" + result.get("id").asText() + "?size=256", result.get("thumbnail_url").asText());
        }
        assertFalse(page.get("has_more").asBoolean());
        assertTrue(page.get("next_offset").isNull());
    }

    @Test
    void jsonTextSearchAnswersLikeTheUrlForm() throws Exception {
        JsonNode viaGet = ok(http.get("/api/search?k=7&text=" + encode(QUERY)));
        JsonNode viaPost = ok(http.postJson("/api/search", "{\"text\": \"" + QUERY + "\", \"k\": 7}"));
        assertEquals(ids(viaGet), ids(viaPost));
        assertEquals(7, viaPost.get("results").size());
        assertEquals(7, viaPost.get("k").asInt());
    }

    @Test
    void pagesTileTheRankingWithOffsetOrPage() throws Exception {
        List<String> all = ids(ok(http.get("/api/search?k=12&text=" + encode(QUERY))));
        JsonNode first = ok(http.get("/api/search?k=5&text=" + encode(QUERY)));
        JsonNode second = ok(http.get("/api/search?k=5&page=2&text=" + encode(QUERY)));
        JsonNode secondByOffset = ok(http.postJson("/api/search", "{\"text\": \"" + QUERY + "\", \"k\": 5, \"offset\": 5}"));
        assertEquals(all.subList(0, 5), ids(first));
        assertEquals(all.subList(5, 10), ids(second));
        assertEquals(ids(second), ids(secondByOffset));
        assertTrue(first.get("has_more").asBoolean());
        assertEquals(5, first.get("next_offset").asInt());
        assertEquals(5, second.get("offset").asInt());

        int n = fixture.images.size();
        JsonNode last = ok(http.get("/api/search?k=5&offset=" + (n - 2) + "&text=" + encode(QUERY)));
        assertEquals(2, last.get("results").size());
        assertFalse(last.get("has_more").asBoolean());
        JsonNode beyond = ok(http.get("/api/search?k=5&offset=" + (n + 3) + "&text=" + encode(QUERY)));
        assertEquals(0, beyond.get("results").size());
    }

    @Test
    void minimumScoreDropsWeakerResults() {
        JsonNode all = ok(http.get("/api/search?k=20&text=" + encode(QUERY)));
        double third = all.get("results").get(2).get("score").asDouble();
        JsonNode strong = ok(http.get("/api/search?k=20&min_score=" + (third - 1e-9) + "&text=" + encode(QUERY)));
        assertEquals(3, strong.get("results").size());
        strong.get("results").forEach(r -> assertTrue(r.get("score").asDouble() >= third - 1e-9));
    }

    @Test
    void metadataFiltersNarrowResultsInBothForms() throws Exception {
        String birdId = fixture.idOf("acquila");
        String cakeId = fixture.idOf("cake");
        String birdUri = fixture.images.get(birdId).toRealPath().toUri().toString();
        String cakeUri = fixture.images.get(cakeId).toRealPath().toUri().toString();

        JsonNode one = ok(http.get("/api/search?k=20&text=" + encode(QUERY) + "&filter=" + encode("uri=" + birdUri)));
        assertEquals(List.of(birdId), ids(one));

        JsonNode two = ok(http.postJson("/api/search", "{\"text\": \"" + QUERY + "\", \"k\": 20, \"filter\": {\"uri\": [\""
                + birdUri + "\", \"" + cakeUri + "\"]}}"));
        assertEquals(List.of(birdId, cakeId).stream().sorted().toList(), ids(two).stream().sorted().toList());

        JsonNode all = ok(http.get("/api/search?k=20&text=" + encode(QUERY)));
        List<Integer> widths = new ArrayList<>();
        all.get("results").forEach(r -> widths.add(r.get("width").asInt()));
        int median = widths.stream().sorted().toList().get(widths.size() / 2);
        JsonNode wide = ok(http.get("/api/search?k=20&text=" + encode(QUERY) + "&filter=" + encode("width>=" + median)));
        JsonNode wideJson = ok(http.postJson("/api/search", "{\"text\": \"" + QUERY
                + "\", \"k\": 20, \"filter\": {\"width\": {\"gte\": " + median + "}}}"));
        long expected = widths.stream().filter(w -> w >= median).count();
        assertEquals(expected, wide.get("results").size());
        assertEquals(ids(wide), ids(wideJson));
        wide.get("results").forEach(r -> assertTrue(r.get("width").asInt() >= median));
    }

    @Test
    void imageUploadFindsTheSameImageFirstAsMultipartAndAsRawBody() throws Exception {
        String id = fixture.idOf("cake");
        byte[] bytes = Files.readAllBytes(fixture.images.get(id));
        Http.Multipart form = new Http.Multipart().file("image", "query.bin", "application/octet-stream", bytes)
                .field("k", "4");
        JsonNode multipart = ok(http.post("/api/search/image", form.contentType(), form.build()));
        assertEquals(4, multipart.get("results").size());
        assertEquals(id, multipart.get("results").get(0).get("id").asText());
        assertEquals(1.0, multipart.get("results").get(0).get("score").asDouble(), 1e-4);

        JsonNode raw = ok(http.post("/api/search/image?k=4", "image/jpeg", bytes));
        assertEquals(ids(multipart), ids(raw));

        JsonNode paged = ok(http.post("/api/search/image?k=2&page=2", "application/octet-stream", bytes));
        assertEquals(ids(multipart).subList(2, 4), ids(paged));
    }

    @Test
    void anEmbeddingIsSearchedAsItIs() {
        String id = fixture.idOf("cake");
        float[] vector = fixture.store.get(id).orElseThrow().vector();
        JsonNode page = ok(http.postJson("/api/search", "{\"embedding\": " + Arrays.toString(vector) + ", \"k\": 5}"));
        assertEquals(bruteForce(vector).stream().limit(5).map(Map.Entry::getKey).toList(), ids(page));
        assertEquals(id, ids(page).get(0), "an indexed image's own vector finds it first");

        float[] text = fixture.model.embedTexts(List.of(QUERY))[0];
        JsonNode byVector = ok(http.postJson("/api/search", "{\"embedding\": " + Arrays.toString(text) + ", \"k\": 7}"));
        assertEquals(ids(ok(http.get("/api/search?k=7&text=" + encode(QUERY)))), ids(byVector),
                "a text's embedding ranks as the text does");
    }

    @Test
    void similarLeavesTheImageItselfOutAndRanksTheRestByCosine() throws Exception {
        String id = fixture.idOf("acquila");
        JsonNode similar = ok(http.get("/api/images/" + id + "/similar?k=5"));
        List<String> ids = ids(similar);
        assertEquals(5, ids.size());
        assertFalse(ids.contains(id));
        float[] vector = fixture.store.get(id).orElseThrow().vector();
        List<String> expected = bruteForce(vector).stream().map(Map.Entry::getKey).filter(i -> !i.equals(id))
                .limit(5).toList();
        assertEquals(expected, ids);

        JsonNode second = ok(http.get("/api/images/" + id + "/similar?k=2&page=2"));
        assertEquals(ids.subList(2, 4), ids(second));
    }

    @Test
    void skyPilotCompatibleRouteAnswersImagePathsAndSimilarities() {
        HttpResponse<byte[]> response = http.postJson("/search", "{\"text\": \"" + QUERY + "\", \"n_results\": 3}");
        assertEquals(200, response.statusCode(), Http.text(response));
        JsonNode results = Http.json(response);
        JsonNode api = ok(http.get("/api/search?k=3&text=" + encode(QUERY)));
        assertTrue(results.isArray());
        assertEquals(3, results.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(api.get("results").get(i).get("id").asText(), results.get(i).get("image_path").asText());
            assertEquals(api.get("results").get(i).get("score").asDouble(), results.get(i).get("similarity").asDouble(), 1e-9);
            assertEquals(2, results.get(i).size(), "only image_path and similarity");
        }
        JsonNode defaults = Http.json(http.postJson("/search", "{\"text\": \"" + QUERY + "\"}"));
        assertEquals(5, defaults.size());
    }

    @Test
    void statsNameTheModelAndCountTheImages() {
        JsonNode stats = ok(http.get("/api/stats"));
        assertEquals(fixture.model.descriptor().name(), stats.get("model").asText());
        assertEquals(fixture.images.size(), stats.get("images").asInt());
        assertEquals(fixture.model.descriptor().embeddingDim(), stats.get("dimension").asInt());
        assertTrue(stats.get("test_model").asBoolean(), "the tiny fixture is a test model");
        assertEquals(OpsRoutes.TEST_MODEL_WARNING, stats.get("warning").asText());
    }

    @Test
    void differentTextsRankDifferently() {
        List<String> a = ids(ok(http.get("/api/search?k=20&text=" + encode(QUERY))));
        List<String> b = ids(ok(http.get("/api/search?k=20&text=" + encode("a birthday cake with candles"))));
        assertNotEquals(a, b);
    }

    static JsonNode ok(HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode(), () -> Http.text(response));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return Http.json(response);
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("results").forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static List<Map.Entry<String, Double>> bruteForce(float[] query) {
        List<Map.Entry<String, Double>> scored = new ArrayList<>();
        for (String id : fixture.images.keySet()) {
            float[] v = fixture.store.get(id).orElseThrow().vector();
            double dot = 0;
            double qq = 0;
            double vv = 0;
            for (int i = 0; i < v.length; i++) {
                dot += (double) query[i] * v[i];
                qq += (double) query[i] * query[i];
                vv += (double) v[i] * v[i];
            }
            scored.add(Map.entry(id, dot / Math.sqrt(qq * vv)));
        }
        scored.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
        return scored;
    }
}

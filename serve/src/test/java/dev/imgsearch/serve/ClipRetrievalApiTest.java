package dev.imgsearch.serve;

import static dev.imgsearch.serve.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.lucene.LuceneIndexSettings;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * clip-retrieval's API with the request bodies its clients send: {@code ClipClient.query} posts
 * {@code json.dumps({...})} with no content type, the web front end posts {@code JSON.stringify({...})} as text/plain.
 */
class ClipRetrievalApiTest {

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

    /**
     * The body of {@code ClipClient(url, indice_name).query(text=..., image=..., embedding_input=...)}, with the
     * client's defaults (deduplicate and the safety flags on, 40 images).
     */
    static String clipClientBody(String text, String imageBase64, String imageUrl, String embedding, String index) {
        return "{\"text\": " + quoted(text) + ", \"image\": " + quoted(imageBase64) + ", \"image_url\": "
                + quoted(imageUrl) + ", \"embedding_input\": " + (embedding == null ? "null" : embedding)
                + ", \"deduplicate\": true, \"use_safety_model\": true, \"use_violence_detector\": true, "
                + "\"indice_name\": " + quoted(index) + ", \"use_mclip\": false, \"aesthetic_score\": 9, "
                + "\"aesthetic_weight\": 0.5, \"modality\": \"image\", \"num_images\": 40, \"num_result_ids\": 40}";
    }

    private static String quoted(String value) {
        if (value == null) {
            return "null";
        }
        try {
            return Http.JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    static HttpResponse<byte[]> clipClientPost(Http client, String body) {
        return client.post("/knn-service", null, body.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code ClipClient(..., deduplicate=False)}: the tiny model's random image tower embeds many images alike. */
    private static String withoutDeduplication(String body) {
        return body.replace("\"deduplicate\": true", "\"deduplicate\": false");
    }

    @Test
    void clipClientTextQueryRanksLikeTheSearchApiWithAbsoluteUrlsThatServeTheImages() throws IOException {
        JsonNode results = ok(clipClientPost(http, withoutDeduplication(clipClientBody(QUERY, null, null, null,
                "images"))));
        JsonNode page = SearchApiTest.ok(http.get("/api/search?k=40&text=" + SearchApiTest.encode(QUERY)));
        assertEquals(page.get("results").size(), results.size());
        for (int i = 0; i < results.size(); i++) {
            JsonNode result = results.get(i);
            JsonNode expected = page.get("results").get(i);
            assertEquals(List.of("id", "similarity", "url", "caption"), fieldNames(result));
            assertEquals(expected.get("id").asText(), result.get("id").asText(), "rank " + i);
            assertEquals(expected.get("score").asDouble(), result.get("similarity").asDouble(), 1e-9);
            assertEquals(expected.get("caption").asText(), result.get("caption").asText());
            assertEquals(http.url(SearchResponse.imageUrl(result.get("id").asText())), result.get("url").asText());
        }
        JsonNode first = results.get(0);
        HttpResponse<byte[]> image = http.send(java.net.http.HttpRequest.newBuilder(URI.create(first.get("url").asText()))
                .GET().build());
        assertArrayEquals(Files.readAllBytes(fixture.images.get(first.get("id").asText())), image.body());
    }

    @Test
    void clipClientImageQueryFindsTheImageItselfFirst() throws IOException {
        String cake = fixture.idOf("cake");
        String base64 = Base64.getEncoder().encodeToString(Files.readAllBytes(fixture.images.get(cake)));
        JsonNode results = ok(clipClientPost(http, clipClientBody(null, base64, null, null, "images")));
        assertEquals(cake, results.get(0).get("id").asText());
        assertEquals(1.0, results.get(0).get("similarity").asDouble(), 1e-4);
    }

    @Test
    void clipClientEmbeddingQueryRanksAsTheTextItEmbeds() {
        float[] vector = fixture.model.embedTexts(List.of(QUERY))[0];
        JsonNode byVector = ok(clipClientPost(http, withoutDeduplication(clipClientBody(null, null, null,
                java.util.Arrays.toString(vector), "images"))));
        JsonNode byText = ok(clipClientPost(http, withoutDeduplication(clipClientBody(QUERY, null, null, null,
                "images"))));
        assertEquals(ids(byText), ids(byVector));
    }

    @Test
    void frontEndAsksForMoreIdsThanImagesAndFetchesTheRestFromMetadata() {
        String body = "{\"text\":\"" + QUERY + "\",\"image\":null,\"image_url\":null,\"modality\":\"image\","
                + "\"num_images\":5,\"indice_name\":\"images\",\"num_result_ids\":12,\"use_mclip\":false,"
                + "\"deduplicate\":false,\"use_safety_model\":true}";
        JsonNode results = ok(http.post("/knn-service", "text/plain;charset=UTF-8",
                body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(12, results.size());
        for (int i = 0; i < 12; i++) {
            List<String> expected = i < 5 ? List.of("id", "similarity", "url", "caption") : List.of("id", "similarity");
            assertEquals(expected, fieldNames(results.get(i)), "result " + i);
        }
        ArrayNode ids = Http.JSON.createArrayNode();
        for (int i = 5; i < 12; i++) {
            ids.add(results.get(i).get("id").asText());
        }
        ids.add("0123456789abcdef0123456789abcdef");
        ObjectNode request = Http.JSON.createObjectNode();
        request.set("ids", ids);
        request.put("indice_name", "images");
        JsonNode metadata = ok(http.post("/metadata", "text/plain;charset=UTF-8",
                request.toString().getBytes(StandardCharsets.UTF_8)));
        assertEquals(8, metadata.size());
        for (int i = 0; i < 7; i++) {
            String id = results.get(5 + i).get("id").asText();
            assertEquals(id, metadata.get(i).get("id").asText());
            assertEquals(http.url(SearchResponse.imageUrl(id)), metadata.get(i).get("metadata").get("url").asText());
            assertEquals(fixture.images.get(id).getParent().getFileName().toString(),
                    metadata.get(i).get("metadata").get("caption").asText());
        }
        assertTrue(metadata.get(7).get("metadata").isNull(), "an unknown id has no metadata");
        assertEquals(0, ok(http.post("/metadata", null, "{\"ids\": [], \"indice_name\": \"x\"}".getBytes(
                StandardCharsets.UTF_8))).size());
    }

    @Test
    void indicesListNamesTheConfiguredIndex() {
        assertEquals(List.of("images"), names(ok(http.get("/indices-list"))));
        try (SearchServer named = fixture.start(fixture.config().toBuilder().indexName("laion-sample").build())) {
            Http other = new Http(named.port());
            assertEquals(List.of("laion-sample"), names(ok(other.get("/indices-list"))));
            ok(clipClientPost(other, clipClientBody(QUERY, null, null, null, "laion-sample")));
            assertError(clipClientPost(other, clipClientBody(QUERY, null, null, null, "images")), 404,
                    "no index named 'images'; this server serves 'laion-sample'");
        }
    }

    @Test
    void badRequestsAreClearErrors() {
        assertError(clipClientPost(http, clipClientBody(QUERY, null, null, null, "laion5B-L-14")), 404,
                "no index named 'laion5B-L-14'");
        assertError(clipClientPost(http, clipClientBody(QUERY, null, null, null, null)), 400, "indice_name is missing");
        assertError(clipClientPost(http, clipClientBody(QUERY, null, null, null, "images").replace(
                "\"modality\": \"image\"", "\"modality\": \"text\"")), 400, "image embeddings only");
        assertError(clipClientPost(http, clipClientBody(null, null, null, null, "images")), 400,
                "give one of text, image (base64), image_url or embedding_input");
        assertError(clipClientPost(http, clipClientBody(null, "%%% not base64 %%%", null, null, "images")), 400,
                "base64");
        assertError(clipClientPost(http, clipClientBody(null, Base64.getEncoder().encodeToString(
                "just text".getBytes(StandardCharsets.UTF_8)), null, null, "images")), 415, "not an image");
        assertError(clipClientPost(http, clipClientBody(null, null, null, "[1, 2]", "images")), 400,
                "embedding_input has 2 values");
        assertError(clipClientPost(http, clipClientBody(QUERY, null, null, null, "images").replace(
                "\"num_images\": 40", "\"num_images\": 0")), 400, "num_images must be between 1 and 100");
        assertError(clipClientPost(http, "{\"text\": \"cat\", \"indice_name\": \"images\"}"), 400, "num_images is missing");
        assertError(clipClientPost(http, "[1, 2]"), 400, "must be a JSON object");
        assertError(http.post("/metadata", null, "{\"ids\": [{\"a\": 1}], \"indice_name\": \"images\"}"
                .getBytes(StandardCharsets.UTF_8)), 400, "ids must be strings");
    }

    @Test
    void imageUrlsAreOffUnlessAllowed() {
        assertError(clipClientPost(http, clipClientBody(null, null, "http://127.0.0.1:1/cat.jpg", null, "images")),
                403, "image_url queries are off on this server");
    }

    @Test
    void deduplicateDropsCopiesAndNearCopiesOfBetterResults(@TempDir Path temp) {
        // Random directions in 64 dimensions are far apart (cosine ~0 +- 0.13): only the copies are alike.
        java.util.Random random = new java.util.Random(3);
        int dim = fixture.model.descriptor().embeddingDim();
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = (float) random.nextGaussian();
            }
            records.add(new VectorRecord("img-" + i, v, Map.of(MetadataSchema.SHA256, String.format("%064d", i))));
        }
        String cake = "img-0";
        VectorRecord original = records.get(0);
        float[] near = original.vector().clone();
        near[0] += 0.05f;
        Map<String, Object> otherBytes = new HashMap<>(original.metadata());
        otherBytes.put(MetadataSchema.SHA256, "f".repeat(64));
        try (LuceneVectorStore store = LuceneVectorStore.open(temp.resolve("index"), OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.DEFAULT,
                LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES)) {
            records.add(new VectorRecord("copy-of-cake", original.vector(), original.metadata()));
            records.add(new VectorRecord("near-copy-of-cake", near, otherBytes));
            store.upsert(records);
            try (SearchServer deduplicating = fixture.start(fixture.config(), store)) {
                Http client = new Http(deduplicating.port());
                String body = clipClientBody(null, null, null, java.util.Arrays.toString(original.vector()), "images");
                List<String> deduplicated = ids(ok(clipClientPost(client, body)));
                List<String> all = ids(ok(clipClientPost(client, body.replace("\"deduplicate\": true",
                        "\"deduplicate\": false"))));
                assertTrue(all.containsAll(List.of(cake, "copy-of-cake", "near-copy-of-cake")), all.toString());
                assertTrue(deduplicated.contains(cake) || deduplicated.contains("copy-of-cake"), deduplicated.toString());
                assertFalse(deduplicated.contains(cake) && deduplicated.contains("copy-of-cake"), deduplicated.toString());
                assertFalse(deduplicated.contains("near-copy-of-cake"), deduplicated.toString());
                List<String> expected = new ArrayList<>(all);
                expected.removeAll(List.of("near-copy-of-cake", all.indexOf(cake) < all.indexOf("copy-of-cake")
                        ? "copy-of-cake" : cake));
                assertEquals(expected, deduplicated, "only the copies went; the rest kept its order");
            }
        }
    }

    private static JsonNode ok(HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode(), () -> Http.text(response));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return Http.json(response);
    }

    private static List<String> ids(JsonNode results) {
        List<String> ids = new ArrayList<>();
        results.forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

package dev.imgsearch.serve;

import static dev.imgsearch.serve.Errors.assertError;
import static dev.imgsearch.serve.SearchApiTest.encode;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad requests each get a 4xx with a JSON message saying what is wrong; none reaches a 5xx. */
class BadInputTest {

    private static SearchServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        ServeFixture fixture = ServeFixture.get();
        server = fixture.start(fixture.config());
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void emptyQueries() {
        assertError(http.get("/api/search?text="), 400, "text must not be empty");
        assertError(http.get("/api/search?text=%20%20%20"), 400, "text must not be empty");
        assertError(http.get("/api/search"), 400, "text must not be empty");
        assertError(http.postJson("/api/search", "{\"text\": \"  \"}"), 400, "text must not be empty");
        assertError(http.postJson("/api/search", "{\"k\": 3}"), 400, "text must not be empty");
        assertError(http.postJson("/search", "{\"text\": \"\"}"), 400, "text must not be empty");
        assertError(http.get("/api/search?text=" + "a".repeat(ParamParser.MAX_TEXT_CHARS + 1)), 400, "longer than");
    }

    @Test
    void embeddingsOfTheWrongShapeOrWithoutADirection() {
        int dim = ServeFixture.get().model.descriptor().embeddingDim();
        assertError(http.postJson("/api/search", "{\"embedding\": [1, 2, 3]}"), 400,
                "embedding has 3 values but this index holds " + dim + "-dimensional vectors");
        assertError(http.postJson("/api/search", "{\"embedding\": \"1, 2, 3\"}"), 400, "embedding must be an array of numbers");
        assertError(http.postJson("/api/search", "{\"embedding\": " + vector(dim, "0") + "}"), 400, "zero vector");
        assertError(http.postJson("/api/search", "{\"embedding\": " + vector(dim, "\"a\"") + "}"), 400,
                "embedding[0] must be a number");
        assertError(http.postJson("/api/search", "{\"embedding\": " + vector(dim, "1e39") + "}"), 400, "non-finite");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"embedding\": " + vector(dim, "1") + "}"), 400,
                "give text or embedding, not both");
    }

    private static String vector(int dim, String value) {
        return "[" + String.join(", ", java.util.Collections.nCopies(dim, value)) + "]";
    }

    @Test
    void hugeOrMalformedPageSizes() {
        assertError(http.get("/api/search?text=cat&k=1000000000"), 400, "k must be between 1 and 100");
        assertError(http.get("/api/search?text=cat&k=99999999999999999999999"), 400, "k must be between 1 and 100");
        assertError(http.get("/api/search?text=cat&k=0"), 400, "k must be between 1 and 100");
        assertError(http.get("/api/search?text=cat&k=-5"), 400, "k must be between 1 and 100");
        assertError(http.get("/api/search?text=cat&k=ten"), 400, "k must be an integer");
        assertError(http.get("/api/search?text=cat&k=1&k=2"), 400, "given 2 times");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"k\": 1000000000}"), 400, "k must be between");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"k\": 1e9}"), 400, "k must be an integer");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"k\": \"5\"}"), 400, "k must be an integer");
        assertError(http.postJson("/search", "{\"text\": \"cat\", \"n_results\": 1000000000}"), 400, "n_results must be between");
        String id = ServeFixture.get().anyId();
        assertError(http.get("/api/images/" + id + "/similar?k=1000000000"), 400, "k must be between");
        assertError(http.post("/api/search/image?k=1000000000", "image/png", new byte[] {1}), 400, "k must be between");
    }

    @Test
    void badPaging() {
        assertError(http.get("/api/search?text=cat&offset=-1"), 400, "offset must not be negative");
        assertError(http.get("/api/search?text=cat&page=0"), 400, "page must be 1 or more");
        assertError(http.get("/api/search?text=cat&page=2&offset=10"), 400, "offset or page, not both");
        assertError(http.get("/api/search?text=cat&offset=1000000000"), 400, "cannot be paged to");
        assertError(http.get("/api/search?text=cat&page=2000000000&k=100"), 400, "cannot be paged to");
        assertError(http.get("/api/search?text=cat&min_score=2"), 400, "min_score must be between -1 and 1");
        assertError(http.get("/api/search?text=cat&min_score=high"), 400, "min_score must be a number");
        assertError(http.get("/api/search?text=cat&min_score=NaN"), 400, "min_score must be between -1 and 1");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"min_score\": \"0.5\"}"), 400, "min_score must be a number");
    }

    @Test
    void nonImageUploads() {
        byte[] text = "hello, this is not an image".getBytes(StandardCharsets.UTF_8);
        assertError(http.post("/api/search/image", "image/png", text), 415, "not an image");
        Http.Multipart form = new Http.Multipart().file("image", "cat.png", "image/png", text);
        assertError(http.post("/api/search/image", form.contentType(), form.build()), 415, "not an image");
        byte[] truncatedPng = Arrays.copyOf(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13}, 64);
        assertError(http.post("/api/search/image", "image/png", truncatedPng), 422, "cannot be decoded");
        assertError(http.post("/api/search/image", "image/png", new byte[0]), 400, "no image");
        Http.Multipart noFile = new Http.Multipart().field("k", "3");
        assertError(http.post("/api/search/image", noFile.contentType(), noFile.build()), 400, "no file field named 'image'");
        assertError(http.post("/api/search/image", "multipart/form-data; boundary=xyz", "garbage".getBytes(StandardCharsets.UTF_8)),
                400, "malformed multipart");
    }

    @Test
    void fiftyMegabyteUploadsAreRefusedWith413() {
        byte[] big = new byte[50 * 1024 * 1024];
        big[0] = (byte) 0xFF;
        big[1] = (byte) 0xD8;
        big[2] = (byte) 0xFF;
        assertError(http.post("/api/search/image", "image/jpeg", big), 413, "larger than the limit");
        Http.Multipart form = new Http.Multipart().file("image", "big.jpg", "image/jpeg", big);
        assertError(http.post("/api/search/image", form.contentType(), form.build()), 413, "larger than the limit");
        assertError(http.post("/api/search", "application/json", big), 413, "larger than the limit");
        // The server is still fine afterwards.
        SearchApiTest.ok(http.get("/api/search?k=1&text=cat"));
    }

    @Test
    void malformedJson() {
        assertError(http.postJson("/api/search", "{\"text\": "), 400, "malformed JSON");
        assertError(http.postJson("/api/search", "{text: 'cat'}"), 400, "malformed JSON");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\"} trailing"), 400, "malformed JSON");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"text\": \"dog\"}"), 400, "malformed JSON");
        assertError(http.postJson("/api/search", "[\"cat\"]"), 400, "must be a JSON object");
        assertError(http.postJson("/api/search", ""), 400, "body is empty");
        assertError(http.postJson("/api/search", "{\"text\": 42}"), 400, "text must be a string");
        assertError(http.postJson("/search", "{\"text\": "), 400, "malformed JSON");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"limit\": 5}"), 400, "unknown field 'limit'");
        assertError(http.postJson("/search", "{\"text\": \"cat\", \"k\": 5}"), 400, "unknown field 'k'");
    }

    @Test
    void unknownOrUnusableFilterFields() {
        assertError(http.get("/api/search?text=cat&filter=" + encode("colour=red")), 400, "unknown metadata field 'colour'");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"filter\": {\"colour\": \"red\"}}"), 400,
                "unknown metadata field 'colour'");
        assertError(http.get("/api/search?text=cat&filter=" + encode("caption=birds")), 400, "cannot be filtered on");
        assertError(http.get("/api/search?text=cat&filter=width"), 400, "bad filter 'width'");
        assertError(http.get("/api/search?text=cat&filter=" + encode("width>=wide")), 400, "needs a long");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"filter\": {\"width\": {\"gt\": 3}}}"), 400,
                "unknown filter bound 'gt'");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"filter\": {\"width\": []}}"), 400, "empty list");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"filter\": [\"width>=3\"]}"), 400, "filter must be an object");
        assertError(http.postJson("/api/search", "{\"text\": \"cat\", \"filter\": {\"uri\": {\"gte\": 3}}}"), 400, "not numeric");
        String id = ServeFixture.get().anyId();
        assertError(http.get("/api/images/" + id + "/similar?filter=" + encode("colour=red")), 400, "unknown metadata field");
        assertError(http.get("/api/search?text=cat&colour=red"), 400, "unknown parameter 'colour'");
    }

    @Test
    void unknownIdsEndpointsAndMethods() {
        assertError(http.get("/api/images/0123456789abcdef0123456789abcdef/similar"), 404, "no image with id");
        assertError(http.get("/api/images/0123456789abcdef0123456789abcdef"), 404, "no image with id");
        assertError(http.get("/api/images/" + encode("bad id!") + "/similar"), 400, "invalid image id");
        assertError(http.get("/api/nothing-here"), 404, "no such endpoint");
        assertError(http.get("/no-such-page.html"), 404, "no such endpoint");
        assertError(http.postJson("/health", "{}"), 405, "not allowed");
        assertError(http.send(http.request("/api/search").DELETE().build()), 405, "not allowed");
        assertError(http.rawGet("/api/images/%zz"), 400, "bad request");
        assertError(http.rawGet("/api/search?text=%zz"), 400, "");
        assertError(http.send(http.request("/api/search?text=cat", "X-Big", "x".repeat(64 * 1024)).GET().build()),
                431, "header");
    }

    @Test
    void truncatedImagesAreUnprocessableNotServerErrors() {
        HttpRequest weird = http.request("/api/search/image?k=3").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("GIF89a")).build();
        assertError(http.send(weird), 422, "cannot be decoded");
    }
}

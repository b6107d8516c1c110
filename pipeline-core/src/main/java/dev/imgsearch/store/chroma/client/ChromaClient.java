package dev.imgsearch.store.chroma.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.common.OneLine;
import dev.imgsearch.http.RetryPolicy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A small typed client for the parts of Chroma's v2 REST API that a vector store needs, in one database of one tenant,
 * sending a token with every request when the server needs one. Every request is retried per the {@link RetryPolicy}
 * after connection errors and 5xx answers, so callers must only send idempotent requests (all of these are). Failures
 * are one-line {@link ChromaException}s, which name the request but never its headers.
 *
 * <p>Kept apart from the store on purpose: once the Java client published for Chroma speaks the v2 API, it can
 * replace this package.
 */
public final class ChromaClient {

    private static final List<String> INCLUDE = List.of("embeddings", "metadatas");
    /** A dead host should fail fast even when slow requests (large upserts) are given long. */
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Brackets, keys and commas around the arrays of an upsert body. */
    private static final int UPSERT_BODY_OVERHEAD = 128;

    private final ChromaDatabase database;
    private final URI server;
    private final ChromaToken token;
    private final RetryPolicy retry;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param database       the server, and the tenant and database to work in
     * @param token          what to send for the server's token authentication, if it has any
     * @param retry          how to retry connection errors and 5xx answers
     * @param requestTimeout the longest one attempt may take
     */
    public ChromaClient(ChromaDatabase database, Optional<ChromaToken> token, RetryPolicy retry,
                        Duration requestTimeout) {
        this.database = Objects.requireNonNull(database, "database");
        this.server = database.server();
        this.token = token.orElse(null);
        this.retry = Objects.requireNonNull(retry, "retry");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? requestTimeout : MAX_CONNECT_TIMEOUT)
                .build();
    }

    public ChromaDatabase database() {
        return database;
    }

    /** Whether the tenant has the database; what to tell a user whose collection cannot be found. */
    public boolean databaseExists() {
        try {
            send("GET", database.path(), null);
            return true;
        } catch (ChromaException e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    public PreFlightChecks preFlightChecks() {
        JsonNode body = send("GET", "/api/v2/pre-flight-checks", null);
        return new PreFlightChecks(body.path("max_batch_size").asInt(), body.path("supports_base64_encoding").asBoolean());
    }

    /** The collection with this name, created with these settings and metadata if there is none. */
    public ChromaCollection getOrCreateCollection(String name, HnswConfiguration hnsw, Map<String, Object> metadata) {
        Map<String, Object> hnswJson = new LinkedHashMap<>();
        hnswJson.put("space", hnsw.space());
        hnswJson.put("ef_construction", hnsw.efConstruction());
        hnswJson.put("ef_search", hnsw.efSearch());
        hnswJson.put("max_neighbors", hnsw.maxNeighbors());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("get_or_create", true);
        body.put("configuration", Map.of("hnsw", hnswJson));
        if (!metadata.isEmpty()) {
            body.put("metadata", metadata);
        }
        return collection(send("POST", database.path() + "/collections", body));
    }

    public ChromaCollection getCollection(String name) {
        return collection(send("GET", database.path() + "/collections/" + name, null));
    }

    /** Replaces the collection's metadata, every key of it: Chroma keeps none of the old keys. */
    public void replaceCollectionMetadata(String collectionId, Map<String, Object> metadata) {
        send("PUT", records(collectionId), Map.of("new_metadata", metadata));
    }

    /**
     * Inserts or updates records. A null metadata value removes that key from an existing record, which is how a
     * caller replaces rather than merges metadata.
     *
     * @param base64 send embeddings as base64 float32 (when {@link PreFlightChecks#supportsBase64Encoding()})
     */
    public void upsert(String collectionId, List<String> ids, List<float[]> embeddings,
                       List<Map<String, Object>> metadatas, boolean base64) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ids", ids);
        body.put("embeddings", base64 ? embeddings.stream().map(ChromaClient::base64).toList() : embeddings);
        body.put("metadatas", metadatas);
        send("POST", records(collectionId) + "/upsert", body);
    }

    /** An upper bound of what one record adds to an upsert body, to keep batches under the server's body limit. */
    public long upsertBytes(String id, int dimension, Map<String, Object> metadata, boolean base64) {
        long embedding = base64 ? 4L * ((4L * dimension + 2) / 3) + 3 : 16L * dimension + 2;
        try {
            return json.writeValueAsBytes(id).length + embedding + json.writeValueAsBytes(metadata).length + 3;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata of record '" + id + "' cannot be written as JSON", e);
        }
    }

    /** The fixed part of an upsert body, beyond {@link #upsertBytes} per record. */
    public long upsertOverheadBytes() {
        return UPSERT_BODY_OVERHEAD;
    }

    public void delete(String collectionId, List<String> ids) {
        send("POST", records(collectionId) + "/delete", Map.of("ids", ids));
    }

    /** The records with these ids that exist, with embeddings and metadata. */
    public ChromaRecords get(String collectionId, List<String> ids) {
        JsonNode body = send("POST", records(collectionId) + "/get", Map.of("ids", ids, "include", INCLUDE));
        return new ChromaRecords(strings(body.path("ids")), embeddings(body.path("embeddings")),
                metadatas(body.path("metadatas")));
    }

    /** One page of records in storage order, with metadata only (no embeddings). */
    public ChromaRecords page(String collectionId, int offset, int limit) {
        JsonNode body = send("POST", records(collectionId) + "/get",
                Map.of("limit", limit, "offset", offset, "include", List.of("metadatas")));
        List<String> ids = strings(body.path("ids"));
        return new ChromaRecords(ids, java.util.Collections.nCopies(ids.size(), new float[0]),
                metadatas(body.path("metadatas")));
    }

    public long count(String collectionId) {
        return send("GET", records(collectionId) + "/count", null).asLong();
    }

    /**
     * The {@code nResults} nearest records to one embedding, nearest first, with embeddings and metadata. Distances
     * are not fetched: the embeddings give the exact cosine similarity, of which Chroma's cosine distance
     * ({@code 1 - similarity}, in float32) is a rounded form.
     *
     * @param where a Chroma where clause, or null for none
     */
    public ChromaRecords query(String collectionId, float[] embedding, int nResults, Map<String, Object> where) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query_embeddings", List.of(embedding));
        body.put("n_results", nResults);
        if (where != null) {
            body.put("where", where);
        }
        body.put("include", INCLUDE);
        JsonNode answer = send("POST", records(collectionId) + "/query", body);
        return new ChromaRecords(strings(answer.path("ids").path(0)), embeddings(answer.path("embeddings").path(0)),
                metadatas(answer.path("metadatas").path(0)));
    }

    private String records(String collectionId) {
        return database.path() + "/collections/" + collectionId;
    }

    private JsonNode send(String method, String path, Object body) {
        HttpRequest request = request(method, path, body);
        HttpResponse<byte[]> response;
        try {
            response = retry.send(() -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChromaException(0, "interrupted during Chroma " + method + " " + path, e);
        } catch (IOException e) {
            throw new ChromaException(0, "Chroma at " + server + " is unreachable: " + method + " " + path + ": "
                    + OneLine.of(e), e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return parse(response.body(), method, path);
        }
        String tries = RetryPolicy.isRetryable(status) ? " (after " + retry.maxAttempts() + " attempts)" : "";
        throw new ChromaException(status, "Chroma at " + server + ": " + method + " " + path + " answered " + status
                + ": " + errorDetail(response.body()) + tries, null);
    }

    private HttpRequest request(String method, String path, Object body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.resolve(path)).timeout(requestTimeout);
        if (token != null) {
            builder.header(token.header().headerName(), token.headerValue());
        }
        if (body == null) {
            return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        try {
            return builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a Chroma " + method + " " + path + " body cannot be written as JSON", e);
        }
    }

    private JsonNode parse(byte[] body, String method, String path) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new ChromaException(200, "Chroma at " + server + ": " + method + " " + path
                    + " answered with unreadable JSON: " + OneLine.of(e), e);
        }
    }

    private String errorDetail(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode error = json.readTree(body);
            if (error.hasNonNull("message")) {
                text = error.path("error").asText("error") + ": " + error.path("message").asText();
            }
        } catch (IOException notJson) {
            // Proxies and panics answer in plain text; the text itself is the best detail there is.
        }
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }

    @SuppressWarnings("unchecked")
    private ChromaCollection collection(JsonNode body) {
        JsonNode dimension = body.path("dimension");
        Map<String, Object> metadata = body.path("metadata").isObject()
                ? json.convertValue(body.path("metadata"), Map.class) : Map.of();
        return new ChromaCollection(body.path("id").asText(), body.path("name").asText(),
                dimension.isNumber() ? dimension.asInt() : null, ChromaIndex.of(body), metadata);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>(array.size());
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    private static List<float[]> embeddings(JsonNode array) {
        List<float[]> out = new ArrayList<>(array.size());
        for (JsonNode node : array) {
            float[] embedding = new float[node.size()];
            for (int i = 0; i < embedding.length; i++) {
                embedding[i] = node.get(i).floatValue();
            }
            out.add(embedding);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> metadatas(JsonNode array) {
        List<Map<String, Object>> out = new ArrayList<>(array.size());
        array.forEach(node -> out.add(node.isObject() ? json.convertValue(node, Map.class) : Map.of()));
        return out;
    }

    private static String base64(float[] embedding) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * embedding.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(embedding);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

}

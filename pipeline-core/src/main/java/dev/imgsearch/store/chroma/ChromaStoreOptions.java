package dev.imgsearch.store.chroma;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.http.RetryPolicy;
import dev.imgsearch.store.chroma.client.ChromaDatabase;
import dev.imgsearch.store.chroma.client.ChromaToken;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link ChromaVectorStore} reaches its collection and talks to its server and, when it creates the collection,
 * what it creates.
 *
 * @param tenant          the tenant whose database holds the collection
 * @param database        the database that holds the collection
 * @param token           the token the server's authentication asks for, if it has any
 * @param schema          the metadata fields of a new collection (an existing one keeps the schema it was made with)
 * @param efConstruction  HNSW candidates considered while inserting, for a new collection
 * @param efSearch        HNSW candidates explored while searching, for a new collection
 * @param maxNeighbors    HNSW graph neighbours per node (M), for a new collection
 * @param retry           retries after connection errors and 5xx answers
 * @param requestTimeout  the longest one HTTP attempt may take
 * @param maxBatchRecords the most records per upsert or delete request; the server's own maximum applies too
 * @param maxRequestBytes the largest upsert body to send (Chroma refuses bodies over 40 MiB)
 */
public record ChromaStoreOptions(String tenant, String database, Optional<ChromaToken> token, MetadataSchema schema,
                                 int efConstruction, int efSearch, int maxNeighbors, RetryPolicy retry,
                                 Duration requestTimeout, int maxBatchRecords, long maxRequestBytes) {

    /** Chroma answers 413 beyond 40 MiB; the margin covers estimate slack. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 32L << 20;

    public static final ChromaStoreOptions DEFAULT = new ChromaStoreOptions(ChromaDatabase.DEFAULT_TENANT,
            ChromaDatabase.DEFAULT_DATABASE, Optional.empty(), MetadataSchema.IMAGES, 100, 100, 16,
            RetryPolicy.DEFAULT, Duration.ofSeconds(60), Integer.MAX_VALUE, DEFAULT_MAX_REQUEST_BYTES);

    public ChromaStoreOptions {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (efConstruction < 1 || efSearch < 1 || maxNeighbors < 1) {
            throw new IllegalArgumentException("HNSW efConstruction, efSearch and maxNeighbors must be at least 1");
        }
        if (maxBatchRecords < 1 || maxRequestBytes < 1024) {
            throw new IllegalArgumentException("batches need at least 1 record and 1024 bytes");
        }
    }

    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link ChromaStoreOptions}, starting from the defaults or from given options; checked by {@link #build()}. */
    public static final class Builder {
        private String tenant;
        private String database;
        private Optional<ChromaToken> token;
        private MetadataSchema schema;
        private int efConstruction;
        private int efSearch;
        private int maxNeighbors;
        private RetryPolicy retry;
        private Duration requestTimeout;
        private int maxBatchRecords;
        private long maxRequestBytes;

        private Builder(ChromaStoreOptions from) {
            tenant = from.tenant;
            database = from.database;
            token = from.token;
            schema = from.schema;
            efConstruction = from.efConstruction;
            efSearch = from.efSearch;
            maxNeighbors = from.maxNeighbors;
            retry = from.retry;
            requestTimeout = from.requestTimeout;
            maxBatchRecords = from.maxBatchRecords;
            maxRequestBytes = from.maxRequestBytes;
        }

        public Builder tenant(String value) {
            tenant = value;
            return this;
        }

        public Builder database(String value) {
            database = value;
            return this;
        }

        public Builder token(Optional<ChromaToken> value) {
            token = value;
            return this;
        }

        public Builder schema(MetadataSchema value) {
            schema = value;
            return this;
        }

        public Builder efConstruction(int value) {
            efConstruction = value;
            return this;
        }

        public Builder efSearch(int value) {
            efSearch = value;
            return this;
        }

        public Builder maxNeighbors(int value) {
            maxNeighbors = value;
            return this;
        }

        public Builder retry(RetryPolicy value) {
            retry = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        public Builder maxBatchRecords(int value) {
            maxBatchRecords = value;
            return this;
        }

        public Builder maxRequestBytes(long value) {
            maxRequestBytes = value;
            return this;
        }

        public ChromaStoreOptions build() {
            return new ChromaStoreOptions(tenant, database, token, schema, efConstruction, efSearch, maxNeighbors, retry,
                    requestTimeout, maxBatchRecords, maxRequestBytes);
        }
    }
}

package dev.imgsearch.store.chroma;

import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.store.AbstractVectorStore;
import dev.imgsearch.store.ExactRerank;
import dev.imgsearch.store.MetadataFilter;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.chroma.client.ChromaClient;
import dev.imgsearch.store.chroma.client.ChromaCollection;
import dev.imgsearch.store.chroma.client.ChromaDatabase;
import dev.imgsearch.store.chroma.client.ChromaException;
import dev.imgsearch.store.chroma.client.ChromaRecords;
import dev.imgsearch.store.chroma.client.HnswConfiguration;
import dev.imgsearch.store.chroma.client.PreFlightChecks;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * A vector store in a collection of a Chroma server, over its v2 REST API.
 *
 * <p>The collection uses Chroma's cosine space and keeps the store's metadata schema in its own metadata. Upserts are
 * split into requests within both the server's batch size and its body limit; each request is idempotent, so one
 * retried after a lost connection (or a server restart) cannot duplicate records. Metadata fields absent from a
 * record are sent as nulls, which makes Chroma drop them: an upsert replaces a record's metadata instead of merging.
 */
public final class ChromaVectorStore extends AbstractVectorStore {

    static final String SCHEMA_KEY = "imgsearch_schema";
    private static final String MODEL_NAME_KEY = "imgsearch_model_name";
    private static final String MODEL_DIGEST_KEY = "imgsearch_model_digest";
    private static final String SPACE = "cosine";
    private static final Pattern COLLECTION_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]");

    private final ChromaClient client;
    private final String collectionName;
    private final String collectionId;
    private final MetadataSchema schema;
    private final int maxBatchRecords;
    private final long maxRequestBytes;
    private final boolean base64;
    private volatile int dimension;
    private volatile ModelIdentity model;

    private ChromaVectorStore(OpenMode mode, ChromaClient client, ChromaCollection collection, MetadataSchema schema,
                              int maxBatchRecords, long maxRequestBytes, boolean base64) {
        super(mode);
        this.client = client;
        this.collectionName = collection.name();
        this.collectionId = collection.id();
        this.schema = schema;
        this.maxBatchRecords = maxBatchRecords;
        this.maxRequestBytes = maxRequestBytes;
        this.base64 = base64;
        this.dimension = collection.dimension() == null ? 0 : collection.dimension();
        this.model = model(collection.metadata());
    }

    /**
     * Opens the collection {@code name} on the server at {@code server} (e.g. {@code http://127.0.0.1:8000});
     * {@link OpenMode#CREATE_OR_WRITE} creates it with {@code options} if it does not exist.
     */
    public static ChromaVectorStore open(URI server, String name, OpenMode mode, ChromaStoreOptions options) {
        requireCollectionName(name);
        ChromaClient client = client(server, options);
        PreFlightChecks limits = call(client::preFlightChecks);
        ChromaCollection collection = mode == OpenMode.CREATE_OR_WRITE
                ? call(() -> client.getOrCreateCollection(name,
                        new HnswConfiguration(SPACE, options.efConstruction(), options.efSearch(), options.maxNeighbors()),
                        Map.of(SCHEMA_KEY, options.schema().encode())))
                : existing(client, name).orElseThrow(() -> missing(client, name));
        if (!SPACE.equals(collection.index().space())) {
            throw new StoreException("Chroma collection '" + name + "' at " + client.database() + " uses the "
                    + collection.index().space() + " space (" + collection.index().kind() + " index); imgsearch needs "
                    + SPACE);
        }
        MetadataSchema schema = collection.metadata().get(SCHEMA_KEY) instanceof String encoded
                ? MetadataSchema.decode(encoded) : options.schema();
        int maxBatch = Math.min(options.maxBatchRecords(), Math.max(1, limits.maxBatchSize()));
        return new ChromaVectorStore(mode, client, collection, schema, maxBatch, options.maxRequestBytes(),
                limits.supportsBase64Encoding());
    }

    /** Whether the collection exists, asked without creating it. */
    public static boolean exists(URI server, String name, ChromaStoreOptions options) {
        requireCollectionName(name);
        return existing(client(server, options), name).isPresent();
    }

    private static ChromaClient client(URI server, ChromaStoreOptions options) {
        return new ChromaClient(new ChromaDatabase(server, options.tenant(), options.database()), options.token(),
                options.retry(), options.requestTimeout());
    }

    /** The error for a collection that is not there, saying so when its whole database is missing. */
    private static StoreException missing(ChromaClient client, String name) {
        ChromaDatabase database = client.database();
        return call(client::databaseExists)
                ? new StoreException("no Chroma collection '" + name + "' at " + database + ": build it first")
                : new StoreException("Chroma at " + database.server() + " has no database '" + database.database()
                        + "' in tenant '" + database.tenant() + "': check ?tenant= and ?database= of the store URI");
    }

    /** The error for a name Chroma would refuse, before any request. */
    static void requireCollectionName(String name) {
        if (!COLLECTION_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Chroma collection name '" + name
                    + "' must be 3-512 characters of [a-zA-Z0-9._-], starting and ending with a letter or digit");
        }
    }

    private static Optional<ChromaCollection> existing(ChromaClient client, String name) {
        try {
            return Optional.of(client.getCollection(name));
        } catch (ChromaException e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure(e);
        }
    }

    public String collectionName() {
        return collectionName;
    }

    /** The most records this store sends in one request. */
    public int maxBatchRecords() {
        return maxBatchRecords;
    }

    @Override
    public MetadataSchema schema() {
        return schema;
    }

    @Override
    public OptionalInt dimension() {
        int d = knownDimension();
        return d == 0 ? OptionalInt.empty() : OptionalInt.of(d);
    }

    @Override
    protected void write(List<VectorRecord> records, int storeDimension) {
        List<Batch> batches = new ArrayList<>();
        Batch batch = new Batch();
        for (VectorRecord record : records) {
            Map<String, Object> metadata = replacingMetadata(record.metadata());
            long bytes = client.upsertBytes(record.id(), storeDimension, metadata, base64);
            if (client.upsertOverheadBytes() + bytes > maxRequestBytes) {
                throw new IllegalArgumentException("record '" + record.id() + "' needs about " + bytes
                        + " bytes, more than a Chroma request's " + maxRequestBytes);
            }
            if (batch.size() == maxBatchRecords || client.upsertOverheadBytes() + batch.bytes + bytes > maxRequestBytes) {
                batches.add(batch);
                batch = new Batch();
            }
            batch.add(record.id(), record.vector(), metadata, bytes);
        }
        batches.add(batch);
        for (Batch b : batches) {
            call(() -> {
                client.upsert(collectionId, b.ids, b.embeddings, b.metadatas, base64);
                return null;
            });
        }
        dimension = storeDimension;
    }

    @Override
    protected void remove(Collection<String> ids) {
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += maxBatchRecords) {
            List<String> slice = all.subList(from, Math.min(all.size(), from + maxBatchRecords));
            call(() -> {
                client.delete(collectionId, slice);
                return null;
            });
        }
    }

    @Override
    public Optional<VectorRecord> get(String id) {
        ensureOpen();
        ChromaRecords found = call(() -> client.get(collectionId, List.of(id)));
        if (found.ids().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new VectorRecord(id, found.embeddings().get(0), readMetadata(found.metadatas().get(0))));
    }

    @Override
    public long count() {
        ensureOpen();
        return call(() -> client.count(collectionId));
    }

    @Override
    protected void visit(String field, BiConsumer<String, Object> visitor) {
        for (int offset = 0; ; offset += maxBatchRecords) {
            int from = offset;
            ChromaRecords page = call(() -> client.page(collectionId, from, maxBatchRecords));
            for (int i = 0; i < page.ids().size(); i++) {
                visitor.accept(page.ids().get(i), readMetadata(page.metadatas().get(i)).get(field));
            }
            if (page.ids().size() < maxBatchRecords) {
                return;
            }
        }
    }

    @Override
    protected List<SearchHit> nearest(float[] query, MetadataFilter filter, SearchRequest request) {
        ChromaRecords found = call(() -> client.query(collectionId, query, request.candidates(), ChromaWhere.of(filter)));
        List<Integer> candidates = IntStream.range(0, found.ids().size()).boxed().toList();
        List<SearchHit> hits = new ArrayList<>();
        for (ExactRerank.Ranked<Integer> ranked : ExactRerank.topK(
                query, candidates, found.embeddings()::get, request.k(), request.minScore())) {
            int i = ranked.item();
            hits.add(new SearchHit(found.ids().get(i), ranked.score(), readMetadata(found.metadatas().get(i))));
        }
        return hits;
    }

    /** The model as the collection's metadata records it, asking the server while it is unknown here. */
    @Override
    public Optional<ModelIdentity> model() {
        ensureOpen();
        if (model == null) {
            model = model(call(() -> client.getCollection(collectionName)).metadata());
        }
        return Optional.ofNullable(model);
    }

    @Override
    protected void saveModel(ModelIdentity recorded) {
        Map<String, Object> metadata = new LinkedHashMap<>(call(() -> client.getCollection(collectionName)).metadata());
        metadata.put(MODEL_NAME_KEY, recorded.name());
        metadata.put(MODEL_DIGEST_KEY, recorded.digest());
        call(() -> {
            client.replaceCollectionMetadata(collectionId, metadata);
            return null;
        });
        model = recorded;
    }

    @Override
    protected String describe() {
        return "Chroma store for collection '" + collectionName + "'";
    }

    @Override
    protected void release() {
        // Every request is its own HTTP exchange: nothing is held between them.
    }

    /** The dimension, asking the server while it is unknown here (another writer may have fixed it since). */
    private int knownDimension() {
        ensureOpen();
        if (dimension == 0) {
            Integer fromServer = call(() -> client.getCollection(collectionName)).dimension();
            if (fromServer != null) {
                dimension = fromServer;
            }
        }
        return dimension;
    }

    private static ModelIdentity model(Map<String, Object> metadata) {
        return metadata.get(MODEL_NAME_KEY) instanceof String name && metadata.get(MODEL_DIGEST_KEY) instanceof String digest
                ? new ModelIdentity(name, digest) : null;
    }

    /** Every schema field, absent ones as nulls so that Chroma removes what an older version of the record had. */
    private Map<String, Object> replacingMetadata(Map<String, Object> metadata) {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String field : schema.fields().keySet()) {
            all.put(field, metadata.get(field));
        }
        return all.isEmpty() ? null : all;
    }

    /** Fields outside the schema (written by other clients of the collection) are not part of this store's view. */
    private Map<String, Object> readMetadata(Map<String, Object> metadata) {
        Map<String, Object> known = new LinkedHashMap<>(metadata);
        known.keySet().retainAll(schema.fields().keySet());
        return schema.canonical(known);
    }

    /** Runs a client call, turning its failures into the store contract's exceptions. */
    private static <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (ChromaException e) {
            if (e.statusCode() == 400 && e.getMessage().contains("dimension")) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            throw failure(e);
        }
    }

    /** A refused token, or none where one is needed, says what to do about it. */
    private static StoreException failure(ChromaException e) {
        if (e.statusCode() == 401 || e.statusCode() == 403) {
            return new StoreException(e.getMessage() + ": " + ChromaStoreKind.TOKEN_ADVICE, e);
        }
        return new StoreException(e.getMessage(), e);
    }

    private static final class Batch {
        final List<String> ids = new ArrayList<>();
        final List<float[]> embeddings = new ArrayList<>();
        final List<Map<String, Object>> metadatas = new ArrayList<>();
        long bytes;

        void add(String id, float[] embedding, Map<String, Object> metadata, long recordBytes) {
            ids.add(id);
            embeddings.add(embedding);
            metadatas.add(metadata);
            bytes += recordBytes;
        }

        int size() {
            return ids.size();
        }
    }
}

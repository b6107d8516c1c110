package dev.imgsearch.store;

import dev.imgsearch.model.ModelIdentity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiConsumer;

/**
 * A persistent collection of {@link VectorRecord}s searchable by cosine similarity.
 *
 * <p>Vectors are stored L2-normalised, so {@link #get} returns the unit vector of what was upserted. Scores are
 * exact cosine similarities (higher is better): every search fetches {@code k + extraNeighbors} approximate
 * neighbours and re-ranks them by exact cosine before cutting to {@code k}.
 *
 * <p>Caller errors (wrong dimension, unknown metadata or filter field, zero vector) are
 * {@link IllegalArgumentException}s; storage or server failures are {@link StoreException}s. Implementations are
 * safe for concurrent use.
 */
public interface VectorStore extends AutoCloseable {

    /** The metadata fields this store accepts and can filter on. */
    MetadataSchema schema();

    /** The vector dimension, fixed by the first upsert; empty while the store has never held a vector. */
    OptionalInt dimension();

    /**
     * The model whose embeddings the store holds, as the build that wrote them recorded it; empty while none did (a
     * new store, or one built before stores recorded their model).
     */
    Optional<ModelIdentity> model();

    /**
     * Records the model whose embeddings the store holds; a build does so before it writes. Recording the model the
     * store already records does nothing.
     *
     * @throws ModelMismatchException when the store records another model (it keeps that one)
     */
    void recordModel(ModelIdentity model);

    /**
     * Checks that queries or rows made by {@code model} fit this store: it records that model, or none.
     *
     * @throws ModelMismatchException when the store records another model
     */
    default void requireModel(ModelIdentity model, String store) {
        Optional<ModelIdentity> held = model();
        if (held.isPresent() && !held.get().sameModelAs(model)) {
            throw new ModelMismatchException(store, held.get(), model);
        }
    }

    /** Inserts or replaces (metadata included) each record by id; a repeated id in one batch keeps the last. */
    void upsert(List<VectorRecord> records);

    /** Deletes the records with these ids; unknown ids are ignored. */
    void delete(Collection<String> ids);

    Optional<VectorRecord> get(String id);

    long count();

    /**
     * Calls {@code visitor} with the id of every record and the value of its metadata {@code field} (null when the
     * record has none), in no particular order; what a build needs to tell new and changed records from stored ones.
     */
    void forEachRecord(String field, BiConsumer<String, Object> visitor);

    /** The best {@code request.k()} records for {@code vector}, best first. */
    List<SearchHit> search(float[] vector, SearchRequest request);

    /**
     * The best {@code request.k()} records for the vector of the record {@code id}, that record itself excluded.
     *
     * @throws NoSuchElementException if no record has that id
     */
    default List<SearchHit> searchById(String id, SearchRequest request) {
        VectorRecord self = get(id).orElseThrow(() -> new NoSuchElementException("no record with id '" + id + "'"));
        List<SearchHit> hits = new ArrayList<>(search(self.vector(), request.toBuilder().k(request.k() + 1).build()));
        hits.removeIf(hit -> hit.id().equals(id));
        return hits.size() > request.k() ? List.copyOf(hits.subList(0, request.k())) : List.copyOf(hits);
    }

    /**
     * Waits until the store answers reads: a remote store opened read-only copies itself into a local cache first,
     * and reads meanwhile throw {@link StoreNotReadyException}. Returns at once for every other store.
     *
     * @throws StoreException when the store cannot become ready (the copy failed)
     */
    default void awaitReady() throws InterruptedException {
    }

    /**
     * Reorganises storage for fast searches after a bulk load (the build job calls it when it has written); a no-op
     * for stores that manage this themselves.
     */
    default void compact() {
    }

    /** Releases the store; idempotent. Every other method then throws {@link IllegalStateException}. */
    @Override
    void close();
}

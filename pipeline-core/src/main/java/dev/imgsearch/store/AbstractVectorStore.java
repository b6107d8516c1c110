package dev.imgsearch.store;

import dev.imgsearch.model.ModelIdentity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * The steps of the {@link VectorStore} contract that do not depend on where the vectors live, done once for every
 * store: open-mode and closed checks, one record per id in a batch, the dimension check, normalisation, metadata and
 * filter checks against the schema. A subclass only stores and fetches what these steps let through, and ranks its
 * approximate candidates with {@link ExactRerank}.
 *
 * <p>Writes through one instance are serialised, which is what fixes the dimension exactly once; where a kind accepts
 * parallel writers, they are separate instances.
 */
public abstract class AbstractVectorStore implements VectorStore {

    private final OpenMode mode;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean closed;

    protected AbstractVectorStore(OpenMode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    public final OpenMode mode() {
        return mode;
    }

    /** Names the store in error messages, e.g. {@code Lucene store at /data/index}. */
    protected abstract String describe();

    /**
     * Writes records already checked and normalised: one per id, unit vectors of {@code dimension}, canonical metadata.
     * The store's dimension is {@code dimension} once this returns.
     */
    protected abstract void write(List<VectorRecord> records, int dimension);

    /** Keeps {@code model} as the store's model, for {@link #model()}; called once per store, by a writer. */
    protected abstract void saveModel(ModelIdentity model);

    /** Deletes these ids (at least one); unknown ones are ignored. */
    protected abstract void remove(Collection<String> ids);

    /**
     * The request's hits: {@code request.candidates()} approximate neighbours of a unit query of the store's
     * dimension that match {@code filter} (checked against the schema), re-ranked by {@link ExactRerank}.
     */
    protected abstract List<SearchHit> nearest(float[] query, MetadataFilter filter, SearchRequest request);

    /** {@link #forEachRecord} for a field known to be in the schema. */
    protected abstract void visit(String field, BiConsumer<String, Object> visitor);

    /** Releases what the store holds; called once, by the first {@link #close}. */
    protected abstract void release();

    /** What {@link #compact} does, with the write lock held; nothing by default, for stores that manage it themselves. */
    protected void reorganise() {
    }

    /** Refuses a dimension this kind of store cannot hold; by default every dimension is fine. */
    protected void checkDimension(int dimension) {
    }

    @Override
    public final void upsert(List<VectorRecord> records) {
        whileWriting(() -> {
            if (records.isEmpty()) {
                return;
            }
            int dimension = dimension().orElse(records.get(0).vector().length);
            checkDimension(dimension);
            List<VectorRecord> checked = new ArrayList<>();
            for (VectorRecord record : VectorRecord.lastPerId(records)) {
                String what = "record '" + record.id() + "'";
                Vectors.requireDimension(dimension, record.vector(), what);
                checked.add(new VectorRecord(record.id(), Vectors.normalized(record.vector(), what),
                        schema().canonical(record.metadata())));
            }
            write(checked, dimension);
        });
    }

    @Override
    public final void recordModel(ModelIdentity model) {
        whileWriting(() -> {
            requireModel(model, describe());
            if (model().isEmpty()) {
                saveModel(model);
            }
        });
    }

    @Override
    public final void delete(Collection<String> ids) {
        whileWriting(() -> {
            if (!ids.isEmpty()) {
                remove(ids);
            }
        });
    }

    @Override
    public final void compact() {
        whileWriting(this::reorganise);
    }

    @Override
    public final List<SearchHit> search(float[] vector, SearchRequest request) {
        ensureOpen();
        float[] query = Vectors.normalized(vector, "query");
        MetadataFilter filter = request.filter().checkedAgainst(schema());
        OptionalInt dimension = dimension();
        if (dimension.isEmpty()) {
            return List.of();
        }
        Vectors.requireDimension(dimension.getAsInt(), query, "query");
        return nearest(query, filter, request);
    }

    @Override
    public final void forEachRecord(String field, BiConsumer<String, Object> visitor) {
        ensureOpen();
        schema().type(field);
        visit(field, visitor);
    }

    @Override
    public final void close() {
        writeLock.lock();
        try {
            if (!closed) {
                closed = true;
                release();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Runs a write on an open, writable store, with the write lock held. */
    protected final void whileWriting(Runnable work) {
        requireWritable();
        writeLock.lock();
        try {
            ensureOpen();
            work.run();
        } finally {
            writeLock.unlock();
        }
    }

    /** Marks the store closed without {@link #release}: for a store that released itself after a failed write. */
    protected final void markClosed() {
        closed = true;
    }

    protected final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
        }
    }

    private void requireWritable() {
        ensureOpen();
        if (!mode.writes()) {
            throw new IllegalStateException(describe() + " is open read-only");
        }
    }
}

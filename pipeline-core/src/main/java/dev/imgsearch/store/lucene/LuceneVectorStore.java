package dev.imgsearch.store.lucene;

import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.store.AbstractVectorStore;
import dev.imgsearch.store.MetadataFilter;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.lucene.LuceneIndex.SettingsCheck;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.util.Bits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiConsumer;

/**
 * A vector store in a local Lucene index ({@link LuceneIndex} holds the Lucene side: writer, searchers, commits).
 *
 * <p>Every {@link #upsert} and {@link #delete} is one Lucene commit, so after a crash the index opens at the last
 * completed call. Searches run concurrently with writes; a read-only store sees another process's commits within
 * about a second, and any number of them may share a directory with one writer.
 */
public final class LuceneVectorStore extends AbstractVectorStore {

    /** Lucene's own default; higher finds more true neighbours at the cost of latency. */
    public static final int DEFAULT_SEARCH_CANDIDATES = 100;

    private final LuceneIndex index;
    private final int searchCandidates;

    private LuceneVectorStore(OpenMode mode, LuceneIndex index, int searchCandidates) {
        super(mode);
        this.index = index;
        this.searchCandidates = searchCandidates;
    }

    /**
     * Opens the index in {@code dir} with the settings it was created with; {@link OpenMode#CREATE_OR_WRITE} creates
     * one with {@link LuceneIndexSettings#DEFAULT} where there is none.
     *
     * @param searchCandidates how many candidates an HNSW search explores at least (its efSearch)
     */
    public static LuceneVectorStore open(Path dir, OpenMode mode, int searchCandidates) {
        return open(dir, mode, LuceneIndexSettings.DEFAULT, SettingsCheck.EXISTING_KEEPS_ITS_OWN, searchCandidates);
    }

    /**
     * Opens the index in {@code dir}, which must have been created with {@code settings} (an existing index keeps its
     * own schema); {@link OpenMode#CREATE_OR_WRITE} creates it with them where there is none.
     */
    public static LuceneVectorStore open(Path dir, OpenMode mode, LuceneIndexSettings settings, int searchCandidates) {
        return open(dir, mode, settings, SettingsCheck.MUST_MATCH, searchCandidates);
    }

    static LuceneVectorStore open(Path dir, OpenMode mode, LuceneIndexSettings settings, SettingsCheck check,
                                  int searchCandidates) {
        return open(dir, mode, settings, check, searchCandidates, LuceneWrites.EVERY_CHANGE);
    }

    static LuceneVectorStore open(Path dir, OpenMode mode, LuceneIndexSettings settings, SettingsCheck check,
                                  int searchCandidates, LuceneWrites writes) {
        if (searchCandidates < 1) {
            throw new IllegalArgumentException("search candidates must be at least 1, got " + searchCandidates);
        }
        return new LuceneVectorStore(mode, LuceneIndex.open(dir, mode, settings, check, writes), searchCandidates);
    }

    public LuceneIndexSettings settings() {
        return index.settings();
    }

    public Path path() {
        return index.path();
    }

    @Override
    public MetadataSchema schema() {
        return settings().schema();
    }

    @Override
    public OptionalInt dimension() {
        ensureOpen();
        int d = index.dimension();
        return d == 0 ? OptionalInt.empty() : OptionalInt.of(d);
    }

    /**
     * Merges the index down to at most {@code maxSegments} segments and commits. Every upsert commits a segment and
     * an HNSW search walks one graph per segment, so after a bulk load this makes searches several times faster;
     * it costs about as much as re-inserting the vectors of the smaller segments.
     */
    public void forceMerge(int maxSegments) {
        if (maxSegments < 1) {
            throw new IllegalArgumentException("maxSegments must be at least 1, got " + maxSegments);
        }
        whileWriting(() -> merge(maxSegments));
    }

    /** Merges the index into one segment: one HNSW graph to walk per search. */
    @Override
    protected void reorganise() {
        merge(1);
    }

    /** Whether changes were written since the last commit (with {@link LuceneWrites.Commits#ON_COMPACT}). */
    boolean hasUncommittedChanges() {
        ensureOpen();
        return index.hasUncommittedChanges();
    }

    /** How many segments searches currently walk. */
    public int segmentCount() {
        ensureOpen();
        return index.read(searcher -> searcher.getIndexReader().leaves().size());
    }

    @Override
    public Optional<VectorRecord> get(String id) {
        ensureOpen();
        return index.read(searcher -> LuceneSearches.get(searcher, id, schema()));
    }

    @Override
    public long count() {
        ensureOpen();
        return index.read(searcher -> (long) searcher.getIndexReader().numDocs());
    }

    @Override
    public Optional<ModelIdentity> model() {
        ensureOpen();
        return index.model();
    }

    @Override
    protected void saveModel(ModelIdentity model) {
        closingOnFailure(() -> index.recordModel(model));
    }

    @Override
    protected String describe() {
        return "Lucene store at " + index.path();
    }

    @Override
    protected void checkDimension(int dimension) {
        int max = index.maxDimension();
        if (dimension > max) {
            throw new IllegalArgumentException("Lucene " + settings().kind().id() + " indexes hold at most " + max
                    + " dimensions, got " + dimension);
        }
    }

    @Override
    protected void write(List<VectorRecord> records, int dimension) {
        List<Document> docs = new ArrayList<>(records.size());
        for (VectorRecord record : records) {
            docs.add(LuceneDocuments.toDocument(record.id(), record.vector(), record.metadata(), schema()));
        }
        commit("upsert", dimension, writer -> {
            for (Document doc : docs) {
                writer.updateDocument(new Term(LuceneDocuments.ID, doc.get(LuceneDocuments.ID)), doc);
            }
        });
    }

    @Override
    protected void remove(Collection<String> ids) {
        Term[] terms = ids.stream().map(id -> new Term(LuceneDocuments.ID, id)).toArray(Term[]::new);
        commit("delete", 0, writer -> writer.deleteDocuments(terms));
    }

    @Override
    protected List<SearchHit> nearest(float[] query, MetadataFilter filter, SearchRequest request) {
        return index.read(searcher -> LuceneSearches.search(searcher, query, LuceneDocuments.filterQuery(filter, schema()),
                request, settings().kind() == LuceneIndexKind.FLAT ? 0 : searchCandidates, schema()));
    }

    @Override
    protected void visit(String field, BiConsumer<String, Object> visitor) {
        index.read(searcher -> {
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                var stored = leaf.reader().storedFields();
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    if (live == null || live.get(doc)) {
                        Document document = stored.document(doc);
                        visitor.accept(document.get(LuceneDocuments.ID),
                                LuceneDocuments.metadata(document, schema()).get(field));
                    }
                }
            }
            return null;
        });
    }

    @Override
    protected void release() {
        index.close();
    }

    private void merge(int maxSegments) {
        closingOnFailure(() -> index.compact("force-merge", writer -> writer.forceMerge(maxSegments)));
    }

    private void commit(String action, int dimension, LuceneIndex.WriterWork work) {
        closingOnFailure(() -> index.write(action, dimension, work));
    }

    /** Runs a change of the index; a failed one closes the store, as the index leaves itself ({@code abandoned}). */
    private void closingOnFailure(Runnable change) {
        try {
            change.run();
        } catch (StoreException e) {
            if (index.abandoned()) {
                markClosed();
            }
            throw e;
        }
    }
}

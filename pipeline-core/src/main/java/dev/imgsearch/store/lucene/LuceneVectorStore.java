package dev.imgsearch.store.lucene;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.store.MetadataFilter;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.Vectors;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A vector store in a local Lucene index.
 *
 * <p>Every {@link #upsert} and {@link #delete} ends with a Lucene commit, which is atomic: after a crash the index
 * opens at the last completed call, never half-way through one. Searches run concurrently with writes on
 * near-real-time readers of the writer; a read-only store sees another process's commits within
 * {@link #READ_ONLY_REFRESH_MILLIS}. Only one writer at a time may open a directory (Lucene's write lock).
 */
public final class LuceneVectorStore implements VectorStore {

    /** Lucene's own default; higher finds more true neighbours at the cost of latency. */
    public static final int DEFAULT_SEARCH_CANDIDATES = 100;

    /** How stale a read-only store's view of the index may get before a search looks for new commits. */
    public static final long READ_ONLY_REFRESH_MILLIS = 1_000;

    private final Path path;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final LuceneIndexSettings settings;
    private final int searchCandidates;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile int dimension;
    private volatile boolean closed;
    private volatile long lastRefreshNanos = System.nanoTime();

    private LuceneVectorStore(Path path, Directory directory, IndexWriter writer, SearcherManager searchers,
                              LuceneIndexSettings settings, int searchCandidates, int dimension) {
        this.path = path;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.settings = settings;
        this.searchCandidates = searchCandidates;
        this.dimension = dimension;
    }

    /**
     * Opens the index in {@code dir} for reading and writing, creating it (and the directory) with {@code settings}
     * if there is none. An existing index must have been created with the same settings.
     *
     * @param searchCandidates how many candidates an HNSW search explores at least (its efSearch)
     */
    public static LuceneVectorStore open(Path dir, LuceneIndexSettings settings, int searchCandidates) {
        requirePositive(searchCandidates);
        Directory directory = null;
        try {
            Files.createDirectories(dir);
            directory = FSDirectory.open(dir);
            if (DirectoryReader.indexExists(directory)) {
                LuceneIndexSettings existing = readSettings(dir, directory);
                if (!existing.equals(settings)) {
                    throw new IllegalArgumentException(
                            "Lucene index at " + dir + " was created as " + existing + ", not " + settings);
                }
            }
            return openWriter(dir, directory, settings, searchCandidates);
        } catch (IOException | RuntimeException e) {
            closeQuietly(directory);
            throw openFailure(dir, e);
        }
    }

    /**
     * Opens the existing index in {@code dir} with the settings it was created with.
     *
     * @param readOnly true to only search it (any number of readers may share a directory with one writer)
     */
    public static LuceneVectorStore openExisting(Path dir, boolean readOnly, int searchCandidates) {
        requirePositive(searchCandidates);
        if (!Files.isDirectory(dir)) {
            throw new StoreException("no Lucene index at " + dir + ": the directory does not exist");
        }
        Directory directory = null;
        try {
            directory = FSDirectory.open(dir);
            if (!DirectoryReader.indexExists(directory)) {
                throw new StoreException("no Lucene index at " + dir + ": the directory holds no index commit");
            }
            LuceneIndexSettings settings = readSettings(dir, directory);
            if (!readOnly) {
                return openWriter(dir, directory, settings, searchCandidates);
            }
            SearcherManager searchers = new SearcherManager(directory, null);
            return new LuceneVectorStore(dir, directory, null, searchers, settings, searchCandidates,
                    committedDimension(searchers));
        } catch (IOException | RuntimeException e) {
            closeQuietly(directory);
            throw openFailure(dir, e);
        }
    }

    /** Opens an existing index read-write with its own settings, or creates one with the default settings. */
    public static LuceneVectorStore openOrCreate(Path dir, int searchCandidates) {
        boolean exists = false;
        if (Files.isDirectory(dir)) {
            try (Directory directory = FSDirectory.open(dir)) {
                exists = DirectoryReader.indexExists(directory);
            } catch (IOException e) {
                throw openFailure(dir, e);
            }
        }
        return exists
                ? openExisting(dir, false, searchCandidates)
                : open(dir, LuceneIndexSettings.DEFAULT, searchCandidates);
    }

    public LuceneIndexSettings settings() {
        return settings;
    }

    public Path path() {
        return path;
    }

    @Override
    public MetadataSchema schema() {
        return settings.schema();
    }

    @Override
    public OptionalInt dimension() {
        ensureOpen();
        refreshIfReadOnly();
        int d = dimension;
        return d == 0 ? OptionalInt.empty() : OptionalInt.of(d);
    }

    @Override
    public void upsert(List<VectorRecord> records) {
        requireWritable();
        if (records.isEmpty()) {
            return;
        }
        Collection<VectorRecord> batch = VectorRecord.lastPerId(records);
        writeLock.lock();
        try {
            ensureOpen();
            int storeDimension = dimension == 0 ? records.get(0).vector().length : dimension;
            int maxDimension = writer.getConfig().getCodec().knnVectorsFormat().getMaxDimensions(LuceneDocuments.VECTOR);
            if (storeDimension > maxDimension) {
                throw new IllegalArgumentException("Lucene " + settings.kind().id() + " indexes hold at most "
                        + maxDimension + " dimensions, got " + storeDimension);
            }
            List<Document> docs = new ArrayList<>(batch.size());
            for (VectorRecord record : batch) {
                String what = "record '" + record.id() + "'";
                Vectors.requireDimension(storeDimension, record.vector(), what);
                docs.add(LuceneDocuments.toDocument(record.id(), Vectors.normalized(record.vector(), what),
                        schema().canonical(record.metadata()), schema()));
            }
            write("upsert", () -> {
                for (Document doc : docs) {
                    writer.updateDocument(new Term(LuceneDocuments.ID, doc.get(LuceneDocuments.ID)), doc);
                }
                if (dimension == 0) {
                    Map<String, String> data = settings.commitData();
                    data.put(LuceneIndexSettings.DIMENSION_KEY, Integer.toString(storeDimension));
                    writer.setLiveCommitData(data.entrySet());
                }
            });
            dimension = storeDimension;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void delete(Collection<String> ids) {
        requireWritable();
        if (ids.isEmpty()) {
            return;
        }
        Term[] terms = ids.stream().map(id -> new Term(LuceneDocuments.ID, id)).toArray(Term[]::new);
        writeLock.lock();
        try {
            ensureOpen();
            write("delete", () -> writer.deleteDocuments(terms));
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Merges the index down to at most {@code maxSegments} segments and commits. Every upsert commits a segment and
     * an HNSW search walks one graph per segment, so after a bulk load this makes searches several times faster;
     * it costs about as much as re-inserting the vectors of the smaller segments.
     */
    public void forceMerge(int maxSegments) {
        requireWritable();
        if (maxSegments < 1) {
            throw new IllegalArgumentException("maxSegments must be at least 1, got " + maxSegments);
        }
        writeLock.lock();
        try {
            ensureOpen();
            write("force-merge", () -> writer.forceMerge(maxSegments));
        } finally {
            writeLock.unlock();
        }
    }

    /** Merges the index into one segment: one HNSW graph to walk per search. */
    @Override
    public void compact() {
        forceMerge(1);
    }

    /** How many segments searches currently walk. */
    public int segmentCount() {
        return withSearcher(searcher -> searcher.getIndexReader().leaves().size());
    }

    @Override
    public Optional<VectorRecord> get(String id) {
        return withSearcher(searcher -> LuceneSearches.get(searcher, id, schema()));
    }

    @Override
    public long count() {
        return withSearcher(searcher -> (long) searcher.getIndexReader().numDocs());
    }

    @Override
    public void forEachRecord(String field, BiConsumer<String, Object> visitor) {
        schema().type(field);
        withSearcher(searcher -> {
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
    public List<SearchHit> search(float[] vector, SearchRequest request) {
        float[] query = Vectors.normalized(vector, "query");
        MetadataFilter filter = request.filter().checkedAgainst(schema());
        return withSearcher(searcher -> {
            int storeDimension = dimension;
            if (storeDimension == 0) {
                return List.of();
            }
            Vectors.requireDimension(storeDimension, query, "query");
            return LuceneSearches.search(searcher, query, LuceneDocuments.filterQuery(filter, schema()), request,
                    settings.kind() == LuceneIndexKind.FLAT ? 0 : searchCandidates, schema());
        });
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            searchers.close();
            if (writer != null) {
                writer.close();
            }
            directory.close();
        } catch (IOException e) {
            throw new StoreException("closing Lucene index at " + path + " failed: " + OneLine.of(e), e);
        } finally {
            writeLock.unlock();
        }
    }

    private interface SearcherWork<T> {
        T run(IndexSearcher searcher) throws IOException;
    }

    private <T> T withSearcher(SearcherWork<T> work) {
        ensureOpen();
        refreshIfReadOnly();
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (AlreadyClosedException e) {
            throw new IllegalStateException("Lucene store at " + path + " is closed");
        } catch (IOException e) {
            throw new StoreException("opening a reader of Lucene index at " + path + " failed: " + OneLine.of(e), e);
        }
        try {
            return work.run(searcher);
        } catch (IOException e) {
            throw new StoreException("reading Lucene index at " + path + " failed: " + OneLine.of(e), e);
        } finally {
            try {
                searchers.release(searcher);
            } catch (IOException e) {
                throw new StoreException("releasing a reader of Lucene index at " + path + " failed: " + OneLine.of(e), e);
            }
        }
    }

    private interface WriterWork {
        void run() throws IOException;
    }

    /**
     * Runs a change, commits it and makes it visible to searches. If anything fails before the commit completes,
     * the writer is rolled back to the last commit and the store closes: nothing of the call is kept, on disk or in
     * memory, so the next open sees exactly the state before it.
     */
    private void write(String action, WriterWork work) {
        try {
            work.run();
            writer.commit();
        } catch (IOException | RuntimeException e) {
            abandon();
            throw new StoreException(action + " on Lucene index at " + path + " failed, the store is closed and its last "
                    + "commit kept: " + OneLine.of(e), e);
        }
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new StoreException("refreshing readers of Lucene index at " + path + " failed: " + OneLine.of(e), e);
        }
    }

    private void abandon() {
        closed = true;
        try {
            writer.rollback();
        } catch (IOException | RuntimeException ignored) {
            // Already failing: the original error is the one to report.
        }
        try {
            searchers.close();
            directory.close();
        } catch (IOException | RuntimeException ignored) {
            // Same: nothing more useful to say than the original error.
        }
    }

    private void refreshIfReadOnly() {
        if (writer != null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastRefreshNanos < TimeUnit.MILLISECONDS.toNanos(READ_ONLY_REFRESH_MILLIS)) {
            return;
        }
        lastRefreshNanos = now;
        try {
            if (searchers.maybeRefresh()) {
                dimension = committedDimension(searchers);
            }
        } catch (IOException e) {
            throw new StoreException("refreshing Lucene index at " + path + " failed: " + OneLine.of(e), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Lucene store at " + path + " is closed");
        }
    }

    private void requireWritable() {
        ensureOpen();
        if (writer == null) {
            throw new IllegalStateException("Lucene store at " + path + " is open read-only");
        }
    }

    private static LuceneVectorStore openWriter(Path dir, Directory directory, LuceneIndexSettings settings,
                                                int searchCandidates) throws IOException {
        IndexWriterConfig config = new IndexWriterConfig()
                .setCodec(codec(settings))
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(64);
        IndexWriter writer = new IndexWriter(directory, config);
        try {
            int dimension = 0;
            if (writer.getLiveCommitData() == null || !writer.getLiveCommitData().iterator().hasNext()) {
                writer.setLiveCommitData(settings.commitData().entrySet());
                writer.commit();
            } else {
                dimension = dimension(toMap(writer.getLiveCommitData()));
            }
            SearcherManager searchers = new SearcherManager(writer, null);
            return new LuceneVectorStore(dir, directory, writer, searchers, settings, searchCandidates, dimension);
        } catch (IOException | RuntimeException e) {
            writer.rollback();
            throw e;
        }
    }

    private static Codec codec(LuceneIndexSettings settings) {
        KnnVectorsFormat format = switch (settings.kind()) {
            case FLAT -> new FlatKnnVectorsFormat();
            case HNSW -> new Lucene99HnswVectorsFormat(settings.maxConn(), settings.beamWidth());
            case HNSW_INT8 -> new Lucene99HnswScalarQuantizedVectorsFormat(settings.maxConn(), settings.beamWidth());
        };
        return new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }

    private static LuceneIndexSettings readSettings(Path dir, Directory directory) throws IOException {
        return LuceneIndexSettings.fromCommitData(SegmentInfos.readLatestCommit(directory).getUserData(), dir.toString());
    }

    private static int committedDimension(SearcherManager searchers) throws IOException {
        IndexSearcher searcher = searchers.acquire();
        try {
            return dimension(((DirectoryReader) searcher.getIndexReader()).getIndexCommit().getUserData());
        } finally {
            searchers.release(searcher);
        }
    }

    private static int dimension(Map<String, String> commitData) {
        String value = commitData.get(LuceneIndexSettings.DIMENSION_KEY);
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static Map<String, String> toMap(Iterable<Map.Entry<String, String>> entries) {
        Map<String, String> map = new HashMap<>();
        entries.forEach(entry -> map.put(entry.getKey(), entry.getValue()));
        return map;
    }

    private static RuntimeException openFailure(Path dir, Exception e) {
        if (e instanceof StoreException || e instanceof IllegalArgumentException) {
            return (RuntimeException) e;
        }
        if (e instanceof LockObtainFailedException) {
            return new StoreException("Lucene index at " + dir + " is already open for writing elsewhere", e);
        }
        return new StoreException("cannot open Lucene index at " + dir + ": " + OneLine.of(e), e);
    }

    private static void requirePositive(int searchCandidates) {
        if (searchCandidates < 1) {
            throw new IllegalArgumentException("search candidates must be at least 1, got " + searchCandidates);
        }
    }

    private static void closeQuietly(Directory directory) {
        if (directory != null) {
            try {
                directory.close();
            } catch (IOException ignored) {
                // Reporting the failure that made us close it matters more.
            }
        }
    }
}

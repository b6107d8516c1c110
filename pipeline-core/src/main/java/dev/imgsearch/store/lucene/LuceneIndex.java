package dev.imgsearch.store.lucene;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.lucene.similarity.FloatSimilarities;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Lucene side of a {@link LuceneVectorStore}: the directory, its one writer (none when read-only), point-in-time
 * searchers, and the commit data that keeps the settings, the dimension and the model.
 *
 * <p>Every change ends with a commit, which is atomic: after a crash the index opens at the last completed change,
 * never half-way through one. Searchers are near-real-time readers of the writer; a read-only index sees another
 * process's commits within {@link #READ_ONLY_REFRESH_MILLIS}. Only one writer at a time may open a directory (Lucene's
 * write lock); readers need no lock.
 */
final class LuceneIndex {

    /** How stale a read-only index's view may get before a read looks for new commits. */
    static final long READ_ONLY_REFRESH_MILLIS = 1_000;

    private static final String DIMENSION_KEY = "imgsearch.dimension";
    private static final String MODEL_NAME_KEY = "imgsearch.model.name";
    private static final String MODEL_DIGEST_KEY = "imgsearch.model.digest";

    static {
        // Chosen before Lucene first reads an index, whose own vectorization probe would otherwise log first.
        FloatSimilarities.preferred();
    }

    /**
     * What the index's commits record besides its settings.
     *
     * @param dimension the vector dimension, 0 before the first vector
     * @param model     the model whose embeddings the index holds, null while none is recorded
     */
    private record Recorded(int dimension, ModelIdentity model) {

        static Recorded from(Map<String, String> commitData) {
            String dimension = commitData.get(DIMENSION_KEY);
            String name = commitData.get(MODEL_NAME_KEY);
            String digest = commitData.get(MODEL_DIGEST_KEY);
            return new Recorded(dimension == null ? 0 : Integer.parseInt(dimension),
                    name == null || digest == null ? null : new ModelIdentity(name, digest));
        }

        Map<String, String> commitData(LuceneIndexSettings settings) {
            Map<String, String> data = settings.commitData();
            if (dimension != 0) {
                data.put(DIMENSION_KEY, Integer.toString(dimension));
            }
            if (model != null) {
                data.put(MODEL_NAME_KEY, model.name());
                data.put(MODEL_DIGEST_KEY, model.digest());
            }
            return data;
        }
    }

    private final Path path;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final LuceneIndexSettings settings;
    private final LuceneWrites writes;
    private final ExecutorService mergeWorkers;
    private volatile Recorded recorded;
    private volatile boolean abandoned;
    private volatile long lastRefreshNanos = System.nanoTime();

    private LuceneIndex(Path path, Directory directory, IndexWriter writer, SearcherManager searchers,
                        LuceneIndexSettings settings, LuceneWrites writes, ExecutorService mergeWorkers,
                        Recorded recorded) {
        this.path = path;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.settings = settings;
        this.writes = writes;
        this.mergeWorkers = mergeWorkers;
        this.recorded = recorded;
    }

    /** Whether an existing index must have been created with the settings a caller opens it with. */
    enum SettingsCheck {
        /** Refuse an index built otherwise (its schema aside: an existing index keeps its own): the caller asked. */
        MUST_MATCH,
        /** Take the index as it was created: the settings only say how to create a new one. */
        EXISTING_KEEPS_ITS_OWN
    }

    /**
     * Opens the index in {@code dir}. Only {@link OpenMode#CREATE_OR_WRITE} creates anything: the directory and an
     * empty index with {@code settings}; a writer commits and buffers as {@code writes} says.
     */
    static LuceneIndex open(Path dir, OpenMode mode, LuceneIndexSettings settings, SettingsCheck check,
                            LuceneWrites writes) {
        if (mode != OpenMode.CREATE_OR_WRITE && !Files.isDirectory(dir)) {
            throw new StoreException("no Lucene index at " + dir + ": the directory does not exist");
        }
        Directory directory = null;
        try {
            if (mode == OpenMode.CREATE_OR_WRITE) {
                Files.createDirectories(dir);
            }
            directory = FSDirectory.open(dir);
            LuceneIndexSettings actual;
            if (DirectoryReader.indexExists(directory)) {
                actual = LuceneIndexSettings.fromCommitData(
                        SegmentInfos.readLatestCommit(directory).getUserData(), dir.toString());
                if (check == SettingsCheck.MUST_MATCH && !actual.indexesLike(settings)) {
                    throw new IllegalArgumentException(
                            "Lucene index at " + dir + " was created as " + actual + ", not " + settings);
                }
            } else if (mode == OpenMode.CREATE_OR_WRITE) {
                actual = settings;
            } else {
                throw new StoreException("no Lucene index at " + dir + ": the directory holds no index commit");
            }
            if (!mode.writes()) {
                SearcherManager searchers = new SearcherManager(directory, null);
                return new LuceneIndex(dir, directory, null, searchers, actual, writes, null, committed(searchers));
            }
            return openWriter(dir, directory, actual, writes);
        } catch (IOException | RuntimeException e) {
            closeQuietly(directory);
            throw openFailure(dir, e);
        }
    }

    Path path() {
        return path;
    }

    LuceneIndexSettings settings() {
        return settings;
    }

    /** The vector dimension, 0 while the index has never held a vector. */
    int dimension() {
        refreshIfReadOnly();
        return recorded.dimension();
    }

    /** The model whose embeddings the index holds, as recorded. */
    Optional<ModelIdentity> model() {
        refreshIfReadOnly();
        return Optional.ofNullable(recorded.model());
    }

    /** The most dimensions the index's vector format holds. */
    int maxDimension() {
        return writer.getConfig().getCodec().knnVectorsFormat().getMaxDimensions(LuceneDocuments.VECTOR);
    }

    /** Whether the writer holds changes its last commit does not. */
    boolean hasUncommittedChanges() {
        return writer.hasUncommittedChanges();
    }

    /** True once a failed change closed the index. */
    boolean abandoned() {
        return abandoned;
    }

    interface SearcherWork<T> {
        T run(IndexSearcher searcher) throws IOException;
    }

    /** Runs a read on the latest searcher (refreshed first when read-only and stale). */
    <T> T read(SearcherWork<T> work) {
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

    interface WriterWork {
        void run(IndexWriter writer) throws IOException;
    }

    /**
     * Runs a change with the dimension it leaves, then commits it and makes it visible to searches, unless this
     * writer commits {@link LuceneWrites.Commits#ON_COMPACT} only. If anything fails before the commit completes, the
     * writer is rolled back to the last commit and the index closes ({@link #abandoned()}): nothing of the change is
     * kept, on disk or in memory, so the next open sees exactly the state before it. Callers serialise changes.
     */
    void write(String action, int newDimension, WriterWork work) {
        Recorded now = recorded;
        change(action, now.dimension() == 0 && newDimension != 0 ? new Recorded(newDimension, now.model()) : now, work,
                writes.commits() == LuceneWrites.Commits.EVERY_CHANGE);
    }

    /** Runs a reorganisation (a merge) and commits it with everything written before it. */
    void compact(String action, WriterWork work) {
        change(action, recorded, work, true);
    }

    /** Records the model, committed as {@link #write} commits. */
    void recordModel(ModelIdentity model) {
        change("recording the model", new Recorded(recorded.dimension(), model), writer -> { },
                writes.commits() == LuceneWrites.Commits.EVERY_CHANGE);
    }

    private void change(String action, Recorded next, WriterWork work, boolean commit) {
        try {
            work.run(writer);
            if (!next.equals(recorded)) {
                writer.setLiveCommitData(next.commitData(settings).entrySet());
            }
            if (commit) {
                writer.commit();
            }
        } catch (IOException | RuntimeException e) {
            abandon();
            throw new StoreException(action + " on Lucene index at " + path + " failed, the store is closed and its last "
                    + "commit kept: " + OneLine.of(e), e);
        }
        recorded = next;
        if (!commit) {
            return;
        }
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new StoreException("refreshing readers of Lucene index at " + path + " failed: " + OneLine.of(e), e);
        }
    }

    void close() {
        try {
            searchers.close();
            if (writer != null) {
                writer.close();
            }
            directory.close();
        } catch (IOException e) {
            throw new StoreException("closing Lucene index at " + path + " failed: " + OneLine.of(e), e);
        } finally {
            stopMergeWorkers();
        }
    }

    private void stopMergeWorkers() {
        if (mergeWorkers != null) {
            mergeWorkers.shutdownNow();
        }
    }

    private void abandon() {
        abandoned = true;
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
        stopMergeWorkers();
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
                recorded = committed(searchers);
            }
        } catch (AlreadyClosedException e) {
            throw new IllegalStateException("Lucene store at " + path + " is closed");
        } catch (IOException e) {
            throw new StoreException("refreshing Lucene index at " + path + " failed: " + OneLine.of(e), e);
        }
    }

    private static LuceneIndex openWriter(Path dir, Directory directory, LuceneIndexSettings settings,
                                          LuceneWrites writes) throws IOException {
        ExecutorService mergeWorkers = writes.mergeWorkers() > 1 ? Executors.newFixedThreadPool(writes.mergeWorkers(),
                runnable -> {
                    Thread thread = new Thread(runnable, "imgsearch-hnsw-merge");
                    thread.setDaemon(true);
                    return thread;
                }) : null;
        IndexWriterConfig config = new IndexWriterConfig()
                .setCodec(settings.codec(writes.mergeWorkers(), mergeWorkers))
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(writes.ramBufferMb())
                .setCommitOnClose(writes.commits() == LuceneWrites.Commits.EVERY_CHANGE);
        IndexWriter writer;
        try {
            writer = new IndexWriter(directory, config);
        } catch (IOException | RuntimeException e) {
            if (mergeWorkers != null) {
                mergeWorkers.shutdownNow();
            }
            throw e;
        }
        try {
            Recorded recorded = new Recorded(0, null);
            if (writer.getLiveCommitData() == null || !writer.getLiveCommitData().iterator().hasNext()) {
                writer.setLiveCommitData(settings.commitData().entrySet());
                writer.commit();
            } else {
                recorded = Recorded.from(toMap(writer.getLiveCommitData()));
            }
            return new LuceneIndex(dir, directory, writer, new SearcherManager(writer, null), settings, writes,
                    mergeWorkers, recorded);
        } catch (IOException | RuntimeException e) {
            writer.rollback();
            if (mergeWorkers != null) {
                mergeWorkers.shutdownNow();
            }
            throw e;
        }
    }

    private static Recorded committed(SearcherManager searchers) throws IOException {
        IndexSearcher searcher = searchers.acquire();
        try {
            return Recorded.from(((DirectoryReader) searcher.getIndexReader()).getIndexCommit().getUserData());
        } finally {
            searchers.release(searcher);
        }
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

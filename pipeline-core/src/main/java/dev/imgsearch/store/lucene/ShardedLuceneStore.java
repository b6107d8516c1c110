package dev.imgsearch.store.lucene;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.store.AbstractVectorStore;
import dev.imgsearch.store.MetadataFilter;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.StoreNotReadyException;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.lucene.LuceneIndex.SettingsCheck;
import dev.imgsearch.store.lucene.StoreManifest.ShardEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A store of N shards, each a complete Lucene index ({@link LuceneVectorStore}), that answers as one index: a record
 * lives in the shard {@link ShardRouting} names for its id; a search asks every shard in parallel, on a pool of at
 * most one thread per core, for its best {@code k} (each exactly re-ranked, filtered and cut at {@code minScore}) and
 * keeps the best {@code k} of them all, so filters, minimum scores, pages and searches by id agree with one index.
 *
 * <p>What the store is, is its manifest ({@link StoreManifest}), published last by every change. A reader opens the
 * shards it names and, on a local directory, follows newer manifests within {@link
 * LuceneIndex#READ_ONLY_REFRESH_MILLIS}; on a Hadoop file system it first copies them into a local cache, in the
 * background, and answers {@link StoreNotReadyException} until the copy is checked and open. A writer (local stores
 * only; a remote store is written by the build) holds the store's lock, writes every shard in a folder of its own
 * that starts as links to the published one, and publishes a new manifest after every change.
 */
final class ShardedLuceneStore extends AbstractVectorStore {

    private final StoreRoot root;
    private final LuceneIndexSettings settings;
    private final int searchCandidates;
    private final ExecutorService pool;
    private final AutoCloseable lock;
    private final List<String> writerFolders;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile StoreManifest manifest;
    private volatile ShardSet shards;
    private volatile long lastRefreshNanos = System.nanoTime();
    private final AtomicInteger copiedShards = new AtomicInteger();

    private ShardedLuceneStore(OpenMode mode, StoreRoot root, StoreManifest manifest, int searchCandidates,
                               AutoCloseable lock, List<String> writerFolders) {
        super(mode);
        this.root = root;
        this.manifest = manifest;
        this.settings = manifest.indexSettings(root.describe());
        this.searchCandidates = searchCandidates;
        this.lock = lock;
        this.writerFolders = writerFolders;
        int threads = Math.min(manifest.shards(), Runtime.getRuntime().availableProcessors());
        this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "imgsearch-shard-search");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens the sharded store at {@code root}.
     *
     * @param asked  the index settings of a store this creates (and, with {@link SettingsCheck#MUST_MATCH}, those an
     *               existing one must have)
     * @param shards the shard count of a store this creates, 0 for one; an existing store must have it when given
     */
    static ShardedLuceneStore open(StoreRoot root, OpenMode mode, LuceneIndexSettings asked, SettingsCheck check,
                                   int shards, int searchCandidates) {
        try {
            Optional<StoreManifest> published = root.manifest();
            if (published.isPresent()) {
                StoreManifest existing = published.get();
                LuceneIndexSettings actual = existing.indexSettings(root.describe());
                if (check == SettingsCheck.MUST_MATCH && !actual.indexesLike(asked)) {
                    throw new IllegalArgumentException(
                            "Lucene store at " + root.describe() + " was created as " + actual + ", not " + asked);
                }
                if (shards > 0 && shards != existing.shards()) {
                    throw new IllegalArgumentException("Lucene store at " + root.describe() + " has "
                            + existing.shards() + " shards, not " + shards + ": the shard count is fixed when a store "
                            + "is created; build into a new store to change it");
                }
            } else if (mode != OpenMode.CREATE_OR_WRITE) {
                throw new StoreException("no Lucene store at " + root.describe() + ": no store manifest and no index there");
            }
            if (!mode.writes()) {
                return reader(root, published.get(), searchCandidates);
            }
            if (!(root instanceof LocalRoot)) {
                throw new StoreException("a Lucene store on " + root.describe() + " is written only by imgsearch "
                        + "build; open it read-only, or write a store in a local directory");
            }
            return writer(root, published.orElseGet(() -> empty(asked, Math.max(1, shards))), searchCandidates);
        } catch (IOException e) {
            throw new StoreException("cannot open the Lucene store at " + root.describe() + ": " + OneLine.of(e), e);
        }
    }

    /** The manifest of a store that has no shard written yet: entries are filled in as its writer creates them. */
    static StoreManifest empty(LuceneIndexSettings settings, int shards) {
        List<ShardEntry> none = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            none.add(new ShardEntry(i, "", "", 0, List.of()));
        }
        return new StoreManifest(StoreManifest.FORMAT, 0, shards, settings.commitData(), 0, null, none);
    }

    private static ShardedLuceneStore reader(StoreRoot root, StoreManifest manifest, int searchCandidates) {
        ShardedLuceneStore store = new ShardedLuceneStore(OpenMode.READ_ONLY, root, manifest, searchCandidates, null,
                List.of());
        if (root instanceof LocalRoot) {
            store.shards = store.openReaders(manifest);
            store.ready.complete(null);
        } else {
            Thread copy = new Thread(store::copyThenOpen, "imgsearch-store-copy");
            copy.setDaemon(true);
            copy.start();
        }
        return store;
    }

    private static ShardedLuceneStore writer(StoreRoot root, StoreManifest base, int searchCandidates)
            throws IOException {
        AutoCloseable lock = root.lockForWriting();
        String writer = WriterIds.next();
        List<String> folders = new ArrayList<>();
        List<LuceneVectorStore> stores = new ArrayList<>();
        try {
            LuceneIndexSettings settings = base.indexSettings(root.describe());
            List<ShardEntry> entries = new ArrayList<>();
            for (ShardEntry entry : base.entries()) {
                String folder = WriterIds.folder(writer, entry.shard());
                Path dir = root.writable(folder, entry.files().isEmpty() ? Optional.empty() : Optional.of(entry));
                folders.add(folder);
                LuceneVectorStore shard = LuceneVectorStore.open(dir, OpenMode.CREATE_OR_WRITE, settings,
                        SettingsCheck.EXISTING_KEEPS_ITS_OWN, searchCandidates);
                stores.add(shard);
                entries.add(ShardEntry.of(entry.shard(), StoreRoot.SHARDS + "/" + folder, dir, shard.count()));
            }
            StoreManifest first = base.next(entries, base.dimension(), base.model());
            root.publish(first);
            root.removeUnreferenced(first);
            ShardedLuceneStore store = new ShardedLuceneStore(OpenMode.CREATE_OR_WRITE, root, first, searchCandidates,
                    lock, folders);
            store.shards = new ShardSet(stores);
            store.ready.complete(null);
            return store;
        } catch (IOException | RuntimeException e) {
            stores.forEach(LuceneVectorStore::close);
            closeQuietly(lock);
            throw e;
        }
    }

    /** Shard count, for tests and tools. */
    int shardCount() {
        return manifest.shards();
    }

    @Override
    public MetadataSchema schema() {
        return settings.schema();
    }

    @Override
    public OptionalInt dimension() {
        ensureOpen();
        refreshIfStale();
        int d = manifest.dimension();
        return d == 0 ? OptionalInt.empty() : OptionalInt.of(d);
    }

    @Override
    public Optional<ModelIdentity> model() {
        ensureOpen();
        refreshIfStale();
        return Optional.ofNullable(manifest.model());
    }

    @Override
    public long count() {
        ensureOpen();
        return withShards(set -> set.stores.stream().mapToLong(LuceneVectorStore::count).sum());
    }

    @Override
    public Optional<VectorRecord> get(String id) {
        ensureOpen();
        return withShards(set -> set.stores.get(ShardRouting.shardOf(id, set.stores.size())).get(id));
    }

    @Override
    public void awaitReady() throws InterruptedException {
        try {
            ready.get();
        } catch (ExecutionException e) {
            throw new StoreException("the Lucene store at " + root.describe() + " could not be copied: "
                    + OneLine.of(e.getCause()), e.getCause());
        }
    }

    @Override
    protected String describe() {
        return "Lucene store at " + root.describe();
    }

    @Override
    protected List<SearchHit> nearest(float[] query, MetadataFilter filter, SearchRequest request) {
        return withShards(set -> {
            List<LuceneVectorStore> stores = set.stores;
            if (stores.size() == 1 || pool == null) {
                List<SearchHit> all = new ArrayList<>();
                stores.forEach(shard -> all.addAll(shard.search(query, request)));
                return best(all, request.k());
            }
            List<Future<List<SearchHit>>> others = new ArrayList<>();
            for (LuceneVectorStore shard : stores.subList(1, stores.size())) {
                others.add(pool.submit(() -> shard.search(query, request)));
            }
            List<SearchHit> all = new ArrayList<>(stores.get(0).search(query, request));
            for (Future<List<SearchHit>> other : others) {
                all.addAll(result(other));
            }
            return best(all, request.k());
        });
    }

    @Override
    protected void visit(String field, BiConsumer<String, Object> visitor) {
        withShards(set -> {
            set.stores.forEach(shard -> shard.forEachRecord(field, visitor));
            return null;
        });
    }

    @Override
    protected void write(List<VectorRecord> records, int dimension) {
        Map<Integer, List<VectorRecord>> byShard = route(records, VectorRecord::id);
        byShard.forEach((shard, part) -> shards.stores.get(shard).upsert(part));
        publish(byShard.keySet(), dimension, manifest.model());
    }

    @Override
    protected void remove(Collection<String> ids) {
        Map<Integer, List<String>> byShard = route(ids, id -> id);
        byShard.forEach((shard, part) -> shards.stores.get(shard).delete(part));
        publish(byShard.keySet(), manifest.dimension(), manifest.model());
    }

    @Override
    protected void saveModel(ModelIdentity model) {
        // Each shard commits the model, and a commit drops the files of the one before: every entry is new.
        shards.stores.forEach(shard -> shard.recordModel(model));
        publish(allShards(), manifest.dimension(), model);
    }

    @Override
    protected void reorganise() {
        shards.stores.forEach(LuceneVectorStore::compact);
        publish(allShards(), manifest.dimension(), manifest.model());
    }

    private List<Integer> allShards() {
        return java.util.stream.IntStream.range(0, shards.stores.size()).boxed().toList();
    }

    @Override
    protected void release() {
        if (pool != null) {
            pool.shutdownNow();
        }
        ShardSet open = shards;
        if (open != null) {
            open.release();
        }
        closeQuietly(lock);
    }

    private <T> Map<Integer, List<T>> route(Collection<T> items, Function<T, String> id) {
        Map<Integer, List<T>> byShard = new TreeMap<>();
        int n = manifest.shards();
        for (T item : items) {
            byShard.computeIfAbsent(ShardRouting.shardOf(id.apply(item), n), s -> new ArrayList<>()).add(item);
        }
        return byShard;
    }

    /** Publishes the state this writer's shards are in: {@code changed} have new commits. */
    private void publish(Collection<Integer> changed, int dimension, ModelIdentity model) {
        try {
            List<ShardEntry> entries = new ArrayList<>();
            for (int shard : changed) {
                LuceneVectorStore store = shards.stores.get(shard);
                entries.add(ShardEntry.of(shard, StoreRoot.SHARDS + "/" + writerFolders.get(shard), store.path(),
                        store.count()));
            }
            StoreManifest next = manifest.next(entries, dimension, model);
            root.publish(next);
            manifest = next;
        } catch (IOException e) {
            throw new StoreException("publishing the Lucene store at " + root.describe() + " failed: "
                    + OneLine.of(e), e);
        }
    }

    private static List<SearchHit> best(List<SearchHit> hits, int k) {
        List<SearchHit> sorted = new ArrayList<>(hits);
        sorted.sort(Comparator.comparingDouble(SearchHit::score).reversed());
        return sorted.size() > k ? List.copyOf(sorted.subList(0, k)) : List.copyOf(sorted);
    }

    private static List<SearchHit> result(Future<List<SearchHit>> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("a shard search was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StoreException("a shard search failed: " + OneLine.of(e.getCause()), e.getCause());
        }
    }

    /** Runs a read on the current shards, which stay open until it is done even if a newer manifest replaces them. */
    private <T> T withShards(Function<ShardSet, T> read) {
        refreshIfStale();
        ShardSet set = acquire();
        try {
            return read.apply(set);
        } finally {
            set.release();
        }
    }

    private ShardSet acquire() {
        for (int attempt = 0; attempt < 3; attempt++) {
            ShardSet set = shards;
            if (set == null) {
                throw notReady();
            }
            if (set.acquire()) {
                return set;
            }
            ensureOpen();
        }
        throw new IllegalStateException(describe() + " is closed");
    }

    private StoreException notReady() {
        if (ready.isCompletedExceptionally()) {
            return new StoreException("the store could not be copied into the local cache: "
                    + OneLine.of(ready.handle((ok, e) -> e).join()));
        }
        StoreManifest published = manifest;
        long total = published.entries().stream().mapToLong(ShardEntry::bytes).sum();
        return new StoreNotReadyException(String.format(java.util.Locale.ROOT,
                "the store is being copied into the local cache: %d of %d shards (%d MB in all)", copiedShards.get(),
                published.shards(), total >> 20));
    }

    /** A reader of a local store follows newer manifests, as a single index follows newer commits. */
    private void refreshIfStale() {
        if (mode().writes() || !(root instanceof LocalRoot)) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastRefreshNanos < TimeUnit.MILLISECONDS.toNanos(LuceneIndex.READ_ONLY_REFRESH_MILLIS)) {
            return;
        }
        synchronized (this) {
            if (now - lastRefreshNanos < TimeUnit.MILLISECONDS.toNanos(LuceneIndex.READ_ONLY_REFRESH_MILLIS)) {
                return;
            }
            lastRefreshNanos = now;
            try {
                Optional<StoreManifest> latest = root.manifest();
                if (latest.isPresent() && latest.get().version() != manifest.version()) {
                    ShardSet replaced = shards;
                    shards = openReaders(latest.get());
                    manifest = latest.get();
                    replaced.release();
                }
            } catch (IOException | RuntimeException e) {
                // A build published and removed what this manifest names in between: the next read tries again.
                lastRefreshNanos = now - TimeUnit.MILLISECONDS.toNanos(LuceneIndex.READ_ONLY_REFRESH_MILLIS);
            }
        }
    }

    private void copyThenOpen() {
        try {
            shards = openReaders(manifest);
            ready.complete(null);
        } catch (RuntimeException e) {
            ready.completeExceptionally(e);
        }
    }

    private ShardSet openReaders(StoreManifest published) {
        List<LuceneVectorStore> stores = new ArrayList<>();
        try {
            for (ShardEntry entry : published.entries()) {
                Path dir = root.readable(entry);
                stores.add(LuceneVectorStore.open(dir, OpenMode.READ_ONLY, settings, SettingsCheck.EXISTING_KEEPS_ITS_OWN,
                        searchCandidates));
                copiedShards.incrementAndGet();
            }
            return new ShardSet(stores);
        } catch (IOException | RuntimeException e) {
            stores.forEach(LuceneVectorStore::close);
            throw e instanceof StoreException store ? store
                    : new StoreException("cannot open the shards of " + describe() + ": " + OneLine.of(e), e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing after the work is done or failed: nothing left to report.
        }
    }

    /** The shards of one manifest, closed when the last read using them ends after they were replaced. */
    private static final class ShardSet {
        private final List<LuceneVectorStore> stores;
        private final AtomicInteger users = new AtomicInteger(1);

        ShardSet(List<LuceneVectorStore> stores) {
            this.stores = List.copyOf(stores);
        }

        boolean acquire() {
            for (int n = users.get(); n > 0; n = users.get()) {
                if (users.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
            return false;
        }

        void release() {
            if (users.decrementAndGet() == 0) {
                stores.forEach(LuceneVectorStore::close);
            }
        }
    }
}

package dev.imgsearch.store.lucene;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.store.ModelMismatchException;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.ShardedBuild;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.lucene.LuceneIndex.SettingsCheck;
import dev.imgsearch.store.lucene.StoreManifest.ShardEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

/**
 * The driver's side of a build of a sharded Lucene store: holds the store's lock, knows its published state (a store
 * made before stores had shards is read as one shard, and becomes a one-shard store when this build publishes), and
 * publishes the shards the tasks wrote in a new manifest, then removes what no manifest names any more.
 */
final class LuceneShardedBuild implements ShardedBuild {

    private final StoreRoot root;
    private final String location;
    private final Map<String, String> hadoopConf;
    private final AutoCloseable lock;
    private final boolean existed;
    private final String buildId;
    private final int searchCandidates;
    private StoreManifest base;
    private ModelIdentity model;
    private boolean closed;

    private LuceneShardedBuild(StoreRoot root, String location, Map<String, String> hadoopConf, AutoCloseable lock,
                               String buildId, boolean existed, StoreManifest base, int searchCandidates) {
        this.root = root;
        this.buildId = buildId;
        this.location = location;
        this.hadoopConf = hadoopConf;
        this.lock = lock;
        this.existed = existed;
        this.base = base;
        this.model = base.model();
        this.searchCandidates = searchCandidates;
    }

    /**
     * @param asked  the settings the URI asks for, null for none (a new store gets the defaults)
     * @param shards the shard count the URI asks for, 0 for none (a new store gets {@link ShardCount#choose})
     * @param rows   the build's rows, asked only for that choice
     */
    static LuceneShardedBuild open(String location, Map<String, String> hadoopConf, LuceneIndexSettings asked,
                                   int shards, LongSupplier rows, int parallelism, int searchCandidates) {
        StoreRoot root = LuceneStoreKind.root(location, hadoopConf);
        String buildId = WriterIds.next();
        AutoCloseable lock = null;
        try {
            lock = root.lockForWriting();
            Optional<StoreManifest> published = root.manifest();
            StoreManifest base;
            boolean existed = true;
            if (published.isPresent()) {
                base = published.get();
            } else if (root.holdsSingleIndex()) {
                base = singleIndex((LocalRoot) root);
            } else {
                existed = false;
                int count = shards > 0 ? shards : ShardCount.choose(rows.getAsLong(), parallelism);
                base = ShardedLuceneStore.empty(asked != null ? asked : LuceneIndexSettings.DEFAULT, count);
            }
            LuceneIndexSettings actual = base.indexSettings(root.describe());
            if (existed && asked != null && !actual.indexesLike(asked)) {
                throw new IllegalArgumentException(
                        "Lucene store at " + root.describe() + " was created as " + actual + ", not " + asked);
            }
            if (existed && shards > 0 && shards != base.shards()) {
                throw new IllegalArgumentException("Lucene store at " + root.describe() + " has " + base.shards()
                        + " shards, not " + shards + ": the shard count is fixed when a store is created; build into "
                        + "a new store to change it");
            }
            return new LuceneShardedBuild(root, location, hadoopConf, lock, buildId, existed, base, searchCandidates);
        } catch (IOException | RuntimeException e) {
            closeQuietly(lock);
            if (lock != null) {
                // Counting the rows of a new store can fail (an unreadable input): the lock made its directory.
                removeQuietly(root, buildId, e);
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StoreException("cannot open the Lucene store at " + root.describe() + " for a build: "
                    + OneLine.of(e), e);
        }
    }

    /** A single index in the store's directory, as the one shard of a manifest that has not been published yet. */
    private static StoreManifest singleIndex(LocalRoot root) throws IOException {
        try (LuceneVectorStore index = LuceneVectorStore.open(root.dir(), OpenMode.READ_ONLY, LuceneIndexSettings.DEFAULT,
                SettingsCheck.EXISTING_KEEPS_ITS_OWN, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES)) {
            ShardEntry entry = ShardEntry.of(0, "", root.dir(), index.count());
            return new StoreManifest(StoreManifest.FORMAT, 0, 1, index.settings().commitData(),
                    index.dimension().orElse(0), index.model().orElse(null), List.of(entry));
        }
    }

    @Override
    public boolean existed() {
        return existed;
    }

    @Override
    public long count() {
        return base.docs();
    }

    @Override
    public OptionalInt dimension() {
        return base.dimension() == 0 ? OptionalInt.empty() : OptionalInt.of(base.dimension());
    }

    @Override
    public Optional<ModelIdentity> model() {
        return Optional.ofNullable(model);
    }

    @Override
    public void recordModel(ModelIdentity identity) {
        if (model != null && !model.sameModelAs(identity)) {
            throw new ModelMismatchException(location, model, identity);
        }
        if (model == null) {
            model = identity;
        }
    }

    @Override
    public Plan plan() {
        return new LuceneShardPlan(location, hadoopConf, buildId, base, model, searchCandidates);
    }

    @Override
    public void publish(List<ShardResult> written) {
        try {
            List<ShardEntry> entries = new ArrayList<>();
            int dimension = base.dimension();
            for (ShardResult result : written) {
                ShardEntry entry = (ShardEntry) result.state();
                // The driver must see what the tasks wrote: a local directory that is not the same on every machine
                // would otherwise publish shards that exist nowhere the readers look.
                root.verify(entry);
                entries.add(entry);
                dimension = Math.max(dimension, result.dimension());
            }
            StoreManifest next = base.next(entries, dimension, model);
            root.publish(next);
            base = next;
            root.removeUnreferenced(next);
        } catch (IOException e) {
            throw new StoreException("publishing the Lucene store at " + root.describe() + " failed: "
                    + OneLine.of(e), e);
        }
    }

    @Override
    public void abandon() {
        closeLock();
        try {
            root.removeWrittenBy(buildId);
        } catch (IOException e) {
            throw new StoreException("removing what a failed build wrote into " + root.describe() + " failed: "
                    + OneLine.of(e), e);
        }
    }

    @Override
    public void close() {
        closeLock();
    }

    private void closeLock() {
        if (!closed) {
            closed = true;
            closeQuietly(lock);
        }
    }

    private static void removeQuietly(StoreRoot root, String buildId, Exception failure) {
        try {
            root.removeWrittenBy(buildId);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // The build's outcome is what matters; a lock file left behind is reclaimed by the next lock.
            }
        }
    }
}

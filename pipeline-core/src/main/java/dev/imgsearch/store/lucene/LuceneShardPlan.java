package dev.imgsearch.store.lucene;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.ShardedBuild;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.lucene.LuceneIndex.SettingsCheck;
import dev.imgsearch.store.lucene.StoreManifest.ShardEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks' side of a sharded Lucene build: each task writes its shard in a folder of its own (local scratch for a
 * remote store), starting from the published shard, with one commit at the end and an indexing buffer sized to keep
 * the shard in as few segments as the heap allows.
 */
final class LuceneShardPlan implements ShardedBuild.Plan {

    private final String location;
    private final Map<String, String> hadoopConf;
    private final String buildId;
    private final StoreManifest base;
    private final ModelIdentity model;
    private final int searchCandidates;

    LuceneShardPlan(String location, Map<String, String> hadoopConf, String buildId, StoreManifest base,
                    ModelIdentity model, int searchCandidates) {
        this.location = location;
        this.hadoopConf = Map.copyOf(hadoopConf);
        this.buildId = buildId;
        this.base = base;
        this.model = model;
        this.searchCandidates = searchCandidates;
    }

    @Override
    public int shards() {
        return base.shards();
    }

    @Override
    public int shardOf(String id) {
        return ShardRouting.shardOf(id, base.shards());
    }

    @Override
    public ShardedBuild.ShardWriter open(int shard, int attempt) {
        StoreRoot root = LuceneStoreKind.root(location, hadoopConf);
        ShardEntry published = base.entries().get(shard);
        Optional<ShardEntry> from = published.files().isEmpty() ? Optional.empty() : Optional.of(published);
        String folder = WriterIds.folder(buildId, shard, attempt);
        try {
            Path dir = root.writable(folder, from);
            // Every core may run a task of this build in this JVM, so each gets its share of the heap.
            LuceneWrites writes = LuceneWrites.bulk(Runtime.getRuntime().availableProcessors(), 1);
            LuceneVectorStore store = LuceneVectorStore.open(dir, OpenMode.CREATE_OR_WRITE,
                    base.indexSettings(root.describe()), SettingsCheck.EXISTING_KEEPS_ITS_OWN, searchCandidates, writes);
            if (model != null) {
                store.recordModel(model);
            }
            return new Writer(root, shard, folder, from, store);
        } catch (IOException e) {
            throw new StoreException("cannot write shard " + shard + " of the Lucene store at " + root.describe()
                    + ": " + OneLine.of(e), e);
        }
    }

    private static final class Writer implements ShardedBuild.ShardWriter {
        private final StoreRoot root;
        private final int shard;
        private final String folder;
        private final Optional<ShardEntry> published;
        private final LuceneVectorStore store;
        private boolean finished;

        Writer(StoreRoot root, int shard, String folder, Optional<ShardEntry> published, LuceneVectorStore store) {
            this.root = root;
            this.shard = shard;
            this.folder = folder;
            this.published = published;
            this.store = store;
        }

        @Override
        public VectorStore store() {
            return store;
        }

        @Override
        public ShardedBuild.ShardResult finish() {
            try {
                if (published.isPresent() && !store.hasUncommittedChanges()) {
                    int dimension = store.dimension().orElse(0);
                    close();
                    root.removeWrittenBy(folder);
                    return new ShardedBuild.ShardResult(shard, published.get().docs(), dimension, published.get());
                }
                store.compact();
                long count = store.count();
                int dimension = store.dimension().orElse(0);
                Path dir = store.path();
                store.close();
                ShardEntry entry = ShardEntry.of(shard, StoreRoot.SHARDS + "/" + folder, dir, count);
                root.upload(dir, folder);
                finished = true;
                return new ShardedBuild.ShardResult(shard, count, dimension, entry);
            } catch (IOException e) {
                throw new StoreException("publishing shard " + shard + " of the Lucene store at " + root.describe()
                        + " failed: " + OneLine.of(e), e);
            }
        }

        @Override
        public void close() {
            store.close();
        }
    }
}

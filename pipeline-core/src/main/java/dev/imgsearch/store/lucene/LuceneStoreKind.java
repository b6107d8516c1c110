package dev.imgsearch.store.lucene;

import dev.imgsearch.model.ModelFetcher;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.ShardedBuild;
import dev.imgsearch.store.StoreCapability;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.StoreKind;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.lucene.LuceneIndex.SettingsCheck;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code lucene:DIR}: an embedded store of one or more shards, each a Lucene index ({@link ShardedLuceneStore}), in a
 * local directory or on a Hadoop file system ({@code lucene:s3a://bucket/store}, read through a local cache). Options
 * {@code kind}, {@code m} and {@code beam-width} set how a new store is built, and an existing one must have been
 * built so when any is given; {@code shards} sets a new store's shard count (else {@code build} chooses it from its
 * input, and other writers make one shard); {@code candidates} sets how many HNSW candidates a search explores. A
 * directory holding one index, as stores were before they had shards, is read and written as that index.
 */
public final class LuceneStoreKind implements StoreKind {

    private static final Set<String> SETTINGS = Set.of("kind", "m", "beam-width");
    private static final String CANDIDATES = "candidates";
    private static final String SHARDS = "shards";

    @Override
    public String scheme() {
        return "lucene";
    }

    @Override
    public String form() {
        return "lucene:DIR";
    }

    @Override
    public Set<String> options() {
        return Set.of("kind", "m", "beam-width", CANDIDATES, SHARDS);
    }

    @Override
    public void check(StoreUri uri) {
        if (!onHadoop(uri.location())) {
            dir(uri);
        }
        settings(uri);
        uri.intOption(CANDIDATES, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
        shards(uri);
    }

    @Override
    public Set<StoreCapability> capabilities(StoreUri uri) {
        return Set.of(StoreCapability.SHARDED_BUILD);
    }

    @Override
    public boolean exists(StoreUri uri) {
        StoreRoot root = root(uri.location(), uri.hadoopConf());
        try {
            return root.manifest().isPresent() || root.holdsSingleIndex();
        } catch (IOException e) {
            throw new StoreException("cannot look for a Lucene store at " + root.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public VectorStore open(StoreUri uri, OpenMode mode, MetadataSchema schema) {
        LuceneIndexSettings asked = settings(uri);
        int candidates = uri.intOption(CANDIDATES, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
        LuceneIndexSettings settings = (asked == null ? LuceneIndexSettings.builder() : asked.toBuilder())
                .schema(schema).build();
        SettingsCheck check = asked == null ? SettingsCheck.EXISTING_KEEPS_ITS_OWN : SettingsCheck.MUST_MATCH;
        StoreRoot root = root(uri.location(), uri.hadoopConf());
        try {
            if (root instanceof LocalRoot && root.manifest().isEmpty()
                    && (mode != OpenMode.CREATE_OR_WRITE || !uri.hasOption(SHARDS) || root.holdsSingleIndex())) {
                // A store from before shards, a new one its writer fills record by record, or none (the index says
                // what is missing): one plain index.
                return LuceneVectorStore.open(dir(uri), mode, settings, check, candidates);
            }
        } catch (IOException e) {
            throw new StoreException("cannot open the Lucene store at " + root.describe() + ": " + e.getMessage(), e);
        }
        return ShardedLuceneStore.open(root, mode, settings, check, shards(uri), candidates);
    }

    @Override
    public ShardedBuild openShardedBuild(StoreUri uri, LongSupplier rows, int parallelism) {
        return LuceneShardedBuild.open(uri.location(), uri.hadoopConf(), settings(uri), shards(uri), rows, parallelism,
                uri.intOption(CANDIDATES, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES));
    }

    /** Where the store at {@code location} lives: a local directory, or a Hadoop file system read through a cache. */
    static StoreRoot root(String location, Map<String, String> hadoopConf) {
        return onHadoop(location)
                ? new HadoopRoot(location, hadoopConf, ModelFetcher.defaultCacheDir())
                : new LocalRoot(Path.of(location));
    }

    /** A location with a scheme other than {@code file:} ({@code s3a://…}, {@code hdfs://…}) is a Hadoop path. */
    private static boolean onHadoop(String location) {
        int scheme = location.indexOf("://");
        return scheme > 1 && !location.startsWith("file:");
    }

    private static Path dir(StoreUri uri) {
        if (onHadoop(uri.location())) {
            throw new StoreException("the Lucene store at " + uri.location() + " is on a Hadoop file system, where "
                    + "only imgsearch build writes; write a store in a local directory, or open this one read-only");
        }
        return uri.orBad(() -> Path.of(uri.location()));
    }

    private static int shards(StoreUri uri) {
        int shards = uri.intOption(SHARDS, 0);
        if (uri.hasOption(SHARDS) && (shards < 1 || shards > ShardCount.MAX_SHARDS)) {
            throw uri.bad("option shards must be 1 to " + ShardCount.MAX_SHARDS + ", got " + shards);
        }
        return shards;
    }

    /** The settings the URI asks for, or null when it names none (an existing index then keeps its own). */
    private static LuceneIndexSettings settings(StoreUri uri) {
        if (SETTINGS.stream().noneMatch(uri::hasOption)) {
            return null;
        }
        LuceneIndexSettings defaults = LuceneIndexSettings.DEFAULT;
        return uri.orBad(() -> LuceneIndexSettings.builder()
                .kind(LuceneIndexKind.parse(uri.option("kind", defaults.kind().id())))
                .maxConn(uri.intOption("m", defaults.maxConn()))
                .beamWidth(uri.intOption("beam-width", defaults.beamWidth()))
                .build());
    }
}

package dev.imgsearch.store;

import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One kind of vector store, named by the scheme of its {@link StoreUri}s. Each implementation lives in its own
 * package and is found by {@link StoreKinds} through {@link java.util.ServiceLoader}, so this package never depends on
 * the stores built on it.
 */
public interface StoreKind {

    /** The URI scheme, e.g. {@code lucene}. */
    String scheme();

    /** The URI's form as error messages show it, e.g. {@code lucene:DIR}. */
    String form();

    /** The option names this kind accepts after the {@code ?}. */
    Set<String> options();

    /**
     * Checks the location and the option values, so that a malformed URI fails before anything runs.
     *
     * @throws IllegalArgumentException from {@link StoreUri#bad}
     */
    void check(StoreUri uri);

    Set<StoreCapability> capabilities(StoreUri uri);

    /** Whether the store exists; looks without creating anything. */
    boolean exists(StoreUri uri);

    /**
     * Opens the store.
     *
     * @param schema the metadata fields of a store this call creates; an existing store keeps its own
     * @throws StoreException when the store cannot be opened, or is absent and {@code mode} does not create
     */
    VectorStore open(StoreUri uri, OpenMode mode, MetadataSchema schema);

    /**
     * Opens the store for a build written shard by shard, for kinds with {@link StoreCapability#SHARDED_BUILD}.
     *
     * @see StoreUri#openShardedBuild
     */
    default ShardedBuild openShardedBuild(StoreUri uri, LongSupplier rows, int parallelism) {
        throw new UnsupportedOperationException(form() + " stores are not built shard by shard");
    }

    /**
     * An opener to send to other JVMs; by default one that parses the URI's text there again. A kind whose URIs point
     * at credentials overrides it to read them here, once.
     */
    default StoreOpener opener(StoreUri uri) {
        String text = uri.text();
        return mode -> StoreUri.parse(text).open(mode);
    }

    /** How many writers a build runs at once into a kind with {@link StoreCapability#PARALLEL_WRITERS}. */
    default int writers(StoreUri uri) {
        return 1;
    }
}

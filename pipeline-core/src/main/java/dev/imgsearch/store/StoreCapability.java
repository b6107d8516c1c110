package dev.imgsearch.store;

/** What a kind of store can do, for callers that choose how to use a store from its URI alone. */
public enum StoreCapability {
    /** Several writers may write at once, each through its own client (one per Spark task). */
    PARALLEL_WRITERS,
    /**
     * Built by parallel tasks that write one shard each, published as a whole when all are done ({@link
     * StoreUri#openShardedBuild}).
     */
    SHARDED_BUILD,
    /** Reached over the network, so every machine of a cluster reaches the same store (not a local directory). */
    REMOTE
}

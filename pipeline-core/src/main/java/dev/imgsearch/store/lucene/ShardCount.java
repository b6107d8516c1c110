package dev.imgsearch.store.lucene;

/**
 * How many shards a new store gets when its URI does not say: enough for every task that can run at once to build
 * one, but none so small that its task is mostly overhead and every query pays one more graph to walk, and none so
 * large that one task builds an HNSW graph for hours.
 */
final class ShardCount {

    /** Below this a shard's graph builds in seconds; more shards would only make every query walk more graphs. */
    static final long MIN_ROWS_PER_SHARD = 50_000;
    /** Above this one task's graph build takes too long, and a lost task costs too much to redo. */
    static final long MAX_ROWS_PER_SHARD = 2_000_000;
    static final int MAX_SHARDS = 256;

    private ShardCount() {
    }

    /**
     * @param rows        the rows of the build that creates the store
     * @param parallelism the tasks that can run at once
     */
    static int choose(long rows, int parallelism) {
        long fewest = Math.max(1, (rows + MAX_ROWS_PER_SHARD - 1) / MAX_ROWS_PER_SHARD);
        long most = Math.max(1, rows / MIN_ROWS_PER_SHARD);
        return (int) Math.min(MAX_SHARDS, Math.max(fewest, Math.min(most, Math.max(1, parallelism))));
    }
}

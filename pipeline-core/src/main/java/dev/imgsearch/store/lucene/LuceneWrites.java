package dev.imgsearch.store.lucene;

/**
 * How a writer of one Lucene index commits and buffers: a store written by callers commits every change, so that a
 * crash keeps every completed call; a shard written by a build task is all-or-nothing anyway (its build publishes it
 * or drops it), so it commits once, when it is compacted, and buffers whole segments in memory meanwhile.
 *
 * @param commits      when changes are committed
 * @param ramBufferMb  the indexing buffer; a segment is written each time it fills, and every segment is one more HNSW
 *                     graph to merge and to search
 * @param mergeWorkers threads that build the merged HNSW graph of a merge
 */
public record LuceneWrites(Commits commits, double ramBufferMb, int mergeWorkers) {

    /** When a writer commits. */
    public enum Commits {
        /** Every upsert, delete and model record is one commit. */
        EVERY_CHANGE,
        /** Only {@code compact()} commits (after merging); closing without it discards what was written since. */
        ON_COMPACT
    }

    /** Each change flushes its own segment anyway, so a bigger buffer would only hold memory. */
    public static final LuceneWrites EVERY_CHANGE = new LuceneWrites(Commits.EVERY_CHANGE, 64, 1);

    public LuceneWrites {
        if (ramBufferMb < 1 || ramBufferMb > MAX_RAM_BUFFER_MB) {
            throw new IllegalArgumentException("the RAM buffer must be 1 to " + MAX_RAM_BUFFER_MB + " MB, got " + ramBufferMb);
        }
        if (mergeWorkers < 1) {
            throw new IllegalArgumentException("merge workers must be at least 1, got " + mergeWorkers);
        }
    }

    /** Lucene's hard limit per indexing thread is 1945 MB; a buffer beyond it would flush at that size anyway. */
    static final double MAX_RAM_BUFFER_MB = 1900;

    /**
     * A bulk load committed once: the buffer is the share of the heap {@code concurrentWriters} writers in this JVM
     * may take (half the heap among them), so that a shard that fits is one segment and needs no merge.
     */
    public static LuceneWrites bulk(int concurrentWriters, int mergeWorkers) {
        double share = Runtime.getRuntime().maxMemory() / 2.0 / Math.max(1, concurrentWriters) / (1 << 20);
        return new LuceneWrites(Commits.ON_COMPACT, Math.max(64, Math.min(MAX_RAM_BUFFER_MB, share)), mergeWorkers);
    }
}

package dev.imgsearch.source;

import java.io.IOException;

/**
 * A collection of images read in shards: the driver plans, executors open. Obtain one with
 * {@link ImageSources#open(String, SourceOptions)}, on each side; a source holds no open resources itself.
 */
public interface ImageSource {

    /**
     * Splits the input into shards of about {@code itemsPerShard} items (a tar file is always one shard).
     * Deterministic: the same input gives the same shards, with the same ids, in the same order.
     */
    SourcePlan plan(int itemsPerShard) throws IOException;

    /**
     * Streams the items of a shard planned by this kind of source, in plan order. An item that cannot be read
     * comes back with a read error rather than ending the stream; failures of the shard as a whole (its file
     * gone, access refused, a connection lost) throw, so that the shard is retried rather than committed.
     */
    CloseableIterator<SourceItem> open(Shard shard) throws IOException;
}

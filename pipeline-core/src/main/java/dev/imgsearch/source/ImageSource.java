package dev.imgsearch.source;

import java.io.IOException;
import java.util.List;

/**
 * A collection of images read in shards: the driver plans, executors open. Obtain one with
 * {@link ImageSources#open(String, SourceOptions)}, on each side; a source holds no open resources itself.
 */
public interface ImageSource {

    /**
     * Splits the input into shards of about {@code itemsPerShard} items. Deterministic: the same input gives
     * the same shards, with the same ids, in the same order.
     */
    List<Shard> plan(int itemsPerShard) throws IOException;

    /**
     * Streams the items of a shard planned by this kind of source, in plan order. An item that cannot be read
     * comes back with a read error rather than ending the stream; failures of the shard as a whole (its file
     * gone, access refused) throw.
     */
    CloseableIterator<SourceItem> open(Shard shard) throws IOException;
}

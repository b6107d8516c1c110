package dev.imgsearch.source;

import java.io.IOException;

/**
 * One way a dataset's files hold images (an image folder, WebDataset tar shards, Parquet with an image column),
 * readable from any {@link DatasetFiles}.
 */
public interface Layout {

    /** Shards over the files of a listing this layout reads, with what it passed over. */
    SourcePlan plan(DatasetFiles files, DatasetFiles.Listing listing, int itemsPerShard) throws IOException;

    /** Whether this layout planned the shard. */
    boolean planned(Shard shard);

    /** The items of a shard this layout planned; {@code files} stays open until the iterator is closed. */
    CloseableIterator<SourceItem> open(DatasetFiles files, Shard shard) throws IOException;
}

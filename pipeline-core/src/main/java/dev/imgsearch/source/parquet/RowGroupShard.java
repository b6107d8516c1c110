package dev.imgsearch.source.parquet;

import dev.imgsearch.source.DatasetFiles.StoredFile;
import dev.imgsearch.source.Shard;

import java.util.Objects;

/**
 * Consecutive row groups of one Parquet file; each row becomes one item.
 *
 * @param file          the file as listed (its length lets readers fetch the footer without asking for it)
 * @param firstRowGroup index of the first row group
 * @param rowGroupCount number of row groups, at least one
 * @param rowCount      total rows in those row groups
 */
public record RowGroupShard(String id, StoredFile file, int firstRowGroup, int rowGroupCount, long rowCount)
        implements Shard {

    public RowGroupShard {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(file, "file");
        if (firstRowGroup < 0 || rowGroupCount < 1) {
            throw new IllegalArgumentException("bad row group range " + firstRowGroup + "+" + rowGroupCount + " in "
                    + file.uri());
        }
    }

    @Override
    public long itemCount() {
        return rowCount;
    }
}

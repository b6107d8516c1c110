package dev.imgsearch.source.parquet;

import dev.imgsearch.source.Shard;

import java.util.Objects;

/**
 * Consecutive row groups of one Parquet file; each row becomes one item.
 *
 * @param file          the file: a Hadoop URI, or the path inside a Hugging Face dataset repository
 * @param fileLength    file size in bytes, so readers can fetch the footer without asking for it
 * @param revision      the commit the file is read at (Hugging Face); null where files are not versioned
 * @param firstRowGroup index of the first row group
 * @param rowGroupCount number of row groups, at least one
 * @param rowCount      total rows in those row groups
 */
public record RowGroupShard(String id, String file, long fileLength, String revision,
                            int firstRowGroup, int rowGroupCount, long rowCount) implements Shard {

    public RowGroupShard {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(file, "file");
        if (firstRowGroup < 0 || rowGroupCount < 1) {
            throw new IllegalArgumentException("bad row group range " + firstRowGroup + "+" + rowGroupCount + " in " + file);
        }
    }

    @Override
    public long itemCount() {
        return rowCount;
    }
}

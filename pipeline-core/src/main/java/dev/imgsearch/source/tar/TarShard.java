package dev.imgsearch.source.tar;

import dev.imgsearch.source.DatasetFiles.StoredFile;
import dev.imgsearch.source.Shard;

import java.util.Objects;

/** One tar file (WebDataset shard), read as a stream from start to end. */
public record TarShard(String id, StoredFile file) implements Shard {

    public TarShard {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(file, "file");
    }

    /** Only reading the tar tells how many samples it holds. */
    @Override
    public long itemCount() {
        return UNKNOWN_COUNT;
    }
}

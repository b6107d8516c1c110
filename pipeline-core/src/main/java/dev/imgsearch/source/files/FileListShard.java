package dev.imgsearch.source.files;

import dev.imgsearch.source.Shard;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/** A run of image files in listing order, each becoming one item. */
public record FileListShard(String id, List<Entry> files) implements Shard {

    /**
     * @param uri     file location ({@code file:} URI from {@link java.nio.file.Path#toUri()}, or a Hadoop URI)
     * @param size    size in bytes when listed
     * @param caption caption from the directory's {@code captions.tsv}, or null
     */
    public record Entry(String uri, long size, String caption) implements Serializable {
        public Entry {
            Objects.requireNonNull(uri, "uri");
        }
    }

    public FileListShard {
        Objects.requireNonNull(id, "id");
        files = List.copyOf(files);
    }

    @Override
    public long itemCount() {
        return files.size();
    }
}

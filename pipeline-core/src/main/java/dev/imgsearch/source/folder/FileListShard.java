package dev.imgsearch.source.folder;

import dev.imgsearch.source.DatasetFiles.StoredFile;
import dev.imgsearch.source.Shard;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/** A run of image files in listing order, each becoming one item. */
public record FileListShard(String id, List<Entry> files) implements Shard {

    /**
     * @param file     the image file
     * @param caption  caption from {@code captions.tsv} or a metadata file, or null
     * @param label    the class folder's name, or null
     * @param metadata other columns of its metadata file row as a JSON object, or null
     * @param sidecars same-named {@code .txt} (caption) and {@code .json} (metadata) files, read with the image
     */
    public record Entry(StoredFile file, String caption, String label, String metadata, List<StoredFile> sidecars)
            implements Serializable {
        public Entry {
            Objects.requireNonNull(file, "file");
            sidecars = List.copyOf(sidecars);
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

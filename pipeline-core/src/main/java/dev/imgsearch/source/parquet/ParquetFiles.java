package dev.imgsearch.source.parquet;

import org.apache.parquet.io.InputFile;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** Where a Parquet dataset's files live: listing them, opening them, naming their rows. */
public interface ParquetFiles extends Closeable {

    /**
     * One Parquet file.
     *
     * @param file     the name {@link #inputFile} and {@link #rowUri} take
     * @param name     a short name for shard ids, relative to the dataset root
     * @param length   size in bytes
     * @param revision the commit to read it at, or null where files are not versioned
     * @param version  what changes when the file's content does (blob id, modification time)
     */
    record StoredFile(String file, String name, long length, String revision, String version) {
    }

    @FunctionalInterface
    interface Opener {
        ParquetFiles open() throws IOException;
    }

    /** Every Parquet file of the dataset, sorted by name; an error when there is none. */
    List<StoredFile> list() throws IOException;

    InputFile inputFile(String file, long length, String revision) throws IOException;

    String rowUri(String file, long row);
}

package dev.imgsearch.source;

import org.apache.parquet.io.InputFile;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Where a dataset's files live (a local folder, a Hadoop file system such as s3a, a Hugging Face repository at one
 * commit): listing them once on the driver, then reading them on executors from what the listing said, with no
 * second listing. Every layout (image folders, tar shards, Parquet) reads through this, so each works everywhere.
 */
public interface DatasetFiles extends Closeable {

    /**
     * One file of the dataset.
     *
     * @param name     its path relative to the dataset root, '/'-separated; the file's own name for a single file
     * @param uri      its stable URI; item URIs and so record ids derive from it
     * @param length   size in bytes when listed
     * @param version  what changes when its content does (blob id, ETag, modification time); part of shard ids
     * @param revision the commit it is read at (the Hub), or null where files are not versioned
     */
    record StoredFile(String name, String uri, long length, String version, String revision) implements Serializable {
        public StoredFile {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(version, "version");
        }

        /** The last segment of the name. */
        public String fileName() {
            return name.substring(name.lastIndexOf('/') + 1);
        }
    }

    /**
     * What a listing found.
     *
     * @param files   the files, sorted by name
     * @param hidden  entries passed over because their name or a folder's starts with '.' ({@code .git}, macOS
     *                {@code ._x.jpg}), which no layout reads
     * @param partial the files are knowingly only part of the dataset (a partial Hub Parquet export taken anyway)
     */
    record Listing(List<StoredFile> files, long hidden, boolean partial) {
        public Listing {
            files = List.copyOf(files);
        }
    }

    /** Opens the files of one dataset location; executors call it with the location the driver planned. */
    @FunctionalInterface
    interface Opener {
        DatasetFiles open() throws IOException;
    }

    /** Every file under the root, recursively; the root itself when it is a file. A missing root throws. */
    Listing list() throws IOException;

    /** The whole file as a stream, from the start. */
    InputStream open(StoredFile file) throws IOException;

    /** The file for random access (Parquet footers and row groups), never read whole. */
    InputFile inputFile(StoredFile file) throws IOException;

    /** Exactly {@code length} bytes from {@code offset}, in one ranged read where the storage allows it. */
    byte[] read(StoredFile file, long offset, int length) throws IOException;
}

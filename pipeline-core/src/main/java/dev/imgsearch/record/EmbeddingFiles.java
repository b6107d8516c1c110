package dev.imgsearch.record;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The Parquet files of an embed job's output, read without Spark. */
public final class EmbeddingFiles {

    private EmbeddingFiles() {
    }

    /**
     * The data files under {@code dir}, sorted; names starting with '.' or '_' (temporary files, markers) are
     * skipped as Spark and pyarrow skip them.
     */
    public static List<Path> parquetFiles(FileSystem fs, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            if (status.isFile() && name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_")) {
                files.add(status.getPath());
            }
        }
        files.sort(null);
        return files;
    }

    /** The embeddings folder of an output root, or {@code location} itself if it holds the Parquet files. */
    public static Path embeddingsDir(String location, Configuration conf) throws IOException {
        Path root = new Path(location);
        Path nested = new Path(root, "embeddings");
        FileSystem fs = root.getFileSystem(conf);
        if (fs.isDirectory(nested)) {
            return nested;
        }
        if (fs.isDirectory(root)) {
            return root;
        }
        throw new IllegalArgumentException("no embeddings at " + location);
    }

    /** Streams every embedding row under {@code location}, one file open at a time. */
    public static Iterator<EmbeddingRecord> read(String location, Configuration conf) throws IOException {
        Path dir = embeddingsDir(location, conf);
        List<Path> files = parquetFiles(dir.getFileSystem(conf), dir);
        return new Iterator<>() {
            private int nextFile;
            private RecordParquetReader reader;
            private EmbeddingRecord next;

            @Override
            public boolean hasNext() {
                try {
                    while (next == null) {
                        if (reader == null) {
                            if (nextFile == files.size()) {
                                return false;
                            }
                            reader = new RecordParquetReader(files.get(nextFile++), conf);
                        }
                        next = reader.nextEmbedding();
                        if (next == null) {
                            reader.close();
                            reader = null;
                        }
                    }
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public EmbeddingRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                EmbeddingRecord result = next;
                next = null;
                return result;
            }
        };
    }
}

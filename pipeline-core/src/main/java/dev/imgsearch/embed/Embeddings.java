package dev.imgsearch.embed;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.RecordParquetReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The embedding rows that {@code build}, {@code validate} and {@code inspect} read from a location: an embed job's
 * output (its committed parts only, with the provenance its markers record), or any Parquet file or folder of
 * embedding rows (every file, as Spark would read it; nothing is known of its provenance).
 */
public final class Embeddings {

    private final String location;
    private final Configuration conf;
    private final EmbedOutput output;
    private final List<Path> files;

    private Embeddings(String location, Configuration conf, EmbedOutput output, List<Path> files) {
        this.location = location;
        this.conf = conf;
        this.output = output;
        this.files = files;
    }

    /**
     * @throws IllegalArgumentException when nothing at {@code location} holds embeddings
     */
    public static Embeddings at(String location, Configuration conf) throws IOException {
        EmbedOutput output = EmbedOutput.at(location, conf);
        if (output.isEmbedOutput()) {
            return new Embeddings(location, conf, output, output.committedEmbeddingFiles());
        }
        Path root = new Path(location);
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.exists(root)) {
            throw new IllegalArgumentException("no embeddings at " + location + ": it does not exist");
        }
        Path dir = fs.isDirectory(output.embeddingsDir()) ? output.embeddingsDir() : root;
        List<Path> files = fs.isDirectory(dir) ? parquetFiles(fs, dir) : List.of(dir);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no embeddings at " + location + ": no Parquet files there");
        }
        return new Embeddings(location, conf, null, files);
    }

    /** The Parquet files to read, sorted. */
    public List<Path> files() {
        return files;
    }

    /** The embed output the rows come from, if they come from one. */
    public Optional<EmbedOutput> output() {
        return Optional.ofNullable(output);
    }

    /**
     * The model and preprocessing every row was made with, when an embed output's markers say.
     *
     * @throws EmbedOutput.MixedOutputException when its shards were made differently
     */
    public Optional<Provenance> provenance() throws IOException {
        return output == null ? Optional.empty() : output.provenance();
    }

    /** Streams every row, one file open at a time; a file that cannot be read fails the stream, naming it. */
    public Iterator<EmbeddingRecord> read() {
        return new Iterator<>() {
            private int nextFile;
            private Path file;
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
                            file = files.get(nextFile++);
                            reader = new RecordParquetReader(file, conf);
                        }
                        next = reader.nextEmbedding();
                        if (next == null) {
                            reader.close();
                            reader = null;
                        }
                    }
                    return true;
                } catch (IOException | RuntimeException e) {
                    throw new UncheckedIOException(new IOException("cannot read embeddings file " + file + " of "
                            + location + ": " + OneLine.of(e), e));
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

    /**
     * The data files under {@code dir}, sorted; names starting with '.' or '_' (staging files, markers) are skipped as
     * Spark and pyarrow skip them.
     */
    static List<Path> parquetFiles(FileSystem fs, Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            if (status.isFile() && name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_")) {
                found.add(status.getPath());
            }
        }
        found.sort(null);
        return found;
    }
}

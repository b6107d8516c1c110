package dev.imgsearch.record;

import java.io.Closeable;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/** Reads back the rows written by {@link RecordParquetWriter}, one file at a time, without Spark. */
public final class RecordParquetReader implements Closeable {

    private final Path path;
    private final Configuration conf;
    // Opened by the first read: a file holds either embeddings or errors, and each has its own reader.
    private ParquetReader<EmbeddingRecord> embeddings;
    private ParquetReader<Group> errors;

    public RecordParquetReader(Path path, Configuration conf) throws IOException {
        this.path = path;
        this.conf = conf;
        // A missing file fails here, not at the first read: callers name the file from the constructor's failure.
        path.getFileSystem(conf).getFileStatus(path);
    }

    /** The next embedding row, or null at the end of the file. */
    public EmbeddingRecord nextEmbedding() throws IOException {
        if (embeddings == null) {
            embeddings = ParquetReader.builder(new EmbeddingReadSupport(), path).withConf(conf).build();
        }
        return embeddings.read();
    }

    /** The next error row, or null at the end of the file. */
    public FailedImage nextFailure() throws IOException {
        if (errors == null) {
            errors = ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build();
        }
        Group row = errors.read();
        if (row == null) {
            return null;
        }
        return new FailedImage(row.getString("id", 0), row.getString("uri", 0), row.getString("stage", 0),
                row.getString("reason", 0));
    }

    @Override
    public void close() throws IOException {
        if (embeddings != null) {
            embeddings.close();
        }
        if (errors != null) {
            errors.close();
        }
    }
}

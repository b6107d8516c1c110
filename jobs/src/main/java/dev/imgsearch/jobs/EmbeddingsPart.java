package dev.imgsearch.jobs;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.RecordParquetReader;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * One Parquet part of the embeddings, read on an executor straight into records with the project's own reader (its
 * floats into one array per row): no planned Spark SQL scan, no generated code and no boxed {@code Row} array to
 * warm up or convert, which on a cold executor cost more than the read. A part that cannot be read fails its task
 * with an {@link Unreadable} naming it, which {@link EmbeddingsInput#naming} finds behind Spark's job failure.
 */
final class EmbeddingsPart {

    private EmbeddingsPart() {
    }

    /** The part's records, the file open until the last is read. */
    static Iterator<EmbeddingRecord> records(String file, String location, Map<String, String> hadoopSettings) {
        Configuration conf = new Configuration();
        hadoopSettings.forEach(conf::set);
        return new Iterator<>() {
            private RecordParquetReader reader;
            private EmbeddingRecord next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    try {
                        if (reader == null) {
                            reader = new RecordParquetReader(new Path(file), conf);
                        }
                        next = reader.nextEmbedding();
                        if (next == null) {
                            done = true;
                            reader.close();
                        }
                    } catch (IOException | RuntimeException e) {
                        throw new Unreadable(EmbeddingsInput.cannotRead(file, location, e), e);
                    }
                }
                return next != null;
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

    /** A part that cannot be read, its message ready for the user. */
    static final class Unreadable extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

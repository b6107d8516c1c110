package dev.imgsearch.record;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Streams embedding rows or error rows into one Parquet file on any Hadoop file system.
 *
 * <p>Records go straight to Parquet's record consumer rather than through its generic Group objects, which would
 * allocate one object per float of the embedding list.
 */
public final class RecordParquetWriter implements Closeable {

    private final ParquetWriter<Object> writer;
    private long rows;

    private RecordParquetWriter(Path path, Configuration conf, MessageType schema) throws IOException {
        this.writer = new Builder(HadoopOutputFile.fromPath(path, conf), schema)
                .withConf(conf)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build();
    }

    public static RecordParquetWriter forEmbeddings(Path path, Configuration conf) throws IOException {
        return new RecordParquetWriter(path, conf, EmbeddingParquet.EMBEDDINGS);
    }

    public static RecordParquetWriter forErrors(Path path, Configuration conf) throws IOException {
        return new RecordParquetWriter(path, conf, EmbeddingParquet.ERRORS);
    }

    public void write(EmbeddingRecord record) throws IOException {
        writer.write(record);
        rows++;
    }

    public void write(FailedImage failure) throws IOException {
        writer.write(failure);
        rows++;
    }

    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    private static final class Builder extends ParquetWriter.Builder<Object, Builder> {
        private final MessageType schema;

        Builder(OutputFile file, MessageType schema) {
            super(file);
            this.schema = schema;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Object> getWriteSupport(Configuration conf) {
            return new RecordWriteSupport(schema);
        }
    }

    /** Writes the two record types in the field order of {@link EmbeddingParquet}'s schemas. */
    private static final class RecordWriteSupport extends WriteSupport<Object> {
        private final MessageType schema;
        private RecordConsumer out;

        RecordWriteSupport(MessageType schema) {
            this.schema = schema;
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(Object record) {
            out.startMessage();
            if (record instanceof EmbeddingRecord r) {
                string(0, "id", r.id());
                string(1, "uri", r.uri());
                int32(2, "width", r.width());
                int32(3, "height", r.height());
                string(4, "sha256", r.sha256());
                string(5, "model", r.model());
                floatList(6, "embedding", r.embedding());
                optionalString(7, "caption", r.caption());
                optionalString(8, "label", r.label());
                optionalString(9, "metadata", r.metadata());
                if (r.sourceOffset() != null) {
                    int64(10, "source_offset", r.sourceOffset());
                    int64(11, "source_length", r.sourceLength());
                }
            } else if (record instanceof FailedImage f) {
                string(0, "id", f.id());
                string(1, "uri", f.uri());
                string(2, "stage", f.stage());
                string(3, "reason", f.reason());
            } else {
                throw new IllegalArgumentException("not a record: " + record);
            }
            out.endMessage();
        }

        private void string(int index, String name, String value) {
            out.startField(name, index);
            out.addBinary(Binary.fromString(value));
            out.endField(name, index);
        }

        private void optionalString(int index, String name, String value) {
            if (value != null) {
                string(index, name, value);
            }
        }

        private void int64(int index, String name, long value) {
            out.startField(name, index);
            out.addLong(value);
            out.endField(name, index);
        }

        private void int32(int index, String name, int value) {
            out.startField(name, index);
            out.addInteger(value);
            out.endField(name, index);
        }

        /** The standard three-level list: {@code embedding.list[].element}. */
        private void floatList(int index, String name, float[] values) {
            out.startField(name, index);
            out.startGroup();
            if (values.length > 0) {
                out.startField("list", 0);
                for (float v : values) {
                    out.startGroup();
                    out.startField("element", 0);
                    out.addFloat(v);
                    out.endField("element", 0);
                    out.endGroup();
                }
                out.endField("list", 0);
            }
            out.endGroup();
            out.endField(name, index);
        }
    }
}

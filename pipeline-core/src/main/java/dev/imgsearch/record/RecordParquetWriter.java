package dev.imgsearch.record;

import java.io.Closeable;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;

/** Streams embedding rows or error rows into one Parquet file on any Hadoop file system. */
public final class RecordParquetWriter implements Closeable {

    private final ParquetWriter<Group> writer;
    private final SimpleGroupFactory groups;
    private long rows;

    private RecordParquetWriter(Path path, Configuration conf, MessageType schema) throws IOException {
        this.groups = new SimpleGroupFactory(schema);
        this.writer = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(path, conf))
                .withType(schema)
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
        Group row = groups.newGroup()
                .append("id", record.id())
                .append("uri", record.uri())
                .append("width", record.width())
                .append("height", record.height())
                .append("sha256", record.sha256())
                .append("model", record.model());
        Group list = row.addGroup("embedding");
        for (float v : record.embedding()) {
            list.addGroup("list").append("element", v);
        }
        if (record.caption() != null) {
            row.append("caption", record.caption());
        }
        writer.write(row);
        rows++;
    }

    public void write(FailedImage failure) throws IOException {
        writer.write(groups.newGroup()
                .append("id", failure.id())
                .append("uri", failure.uri())
                .append("stage", failure.stage())
                .append("reason", failure.reason()));
        rows++;
    }

    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}

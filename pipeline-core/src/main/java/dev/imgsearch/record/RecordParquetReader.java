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

    private final ParquetReader<Group> reader;

    public RecordParquetReader(Path path, Configuration conf) throws IOException {
        this.reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build();
    }

    /** The next embedding row, or null at the end of the file. */
    public EmbeddingRecord nextEmbedding() throws IOException {
        Group row = reader.read();
        if (row == null) {
            return null;
        }
        Group list = row.getGroup("embedding", 0);
        int dim = list.getFieldRepetitionCount("list");
        float[] embedding = new float[dim];
        for (int i = 0; i < dim; i++) {
            embedding[i] = list.getGroup("list", i).getFloat("element", 0);
        }
        return new EmbeddingRecord(row.getString("id", 0), row.getString("uri", 0), row.getInteger("width", 0),
                row.getInteger("height", 0), row.getString("sha256", 0), row.getString("model", 0), embedding,
                optionalString(row, "caption"), optionalString(row, "label"), optionalString(row, "metadata"),
                optionalLong(row, "source_offset"), optionalLong(row, "source_length"));
    }

    /** Outputs written before a column existed lack it: they read as null. */
    private static String optionalString(Group row, String name) {
        return row.getType().containsField(name) && row.getFieldRepetitionCount(name) > 0 ? row.getString(name, 0) : null;
    }

    private static Long optionalLong(Group row, String name) {
        return row.getType().containsField(name) && row.getFieldRepetitionCount(name) > 0 ? row.getLong(name, 0) : null;
    }

    /** The next error row, or null at the end of the file. */
    public FailedImage nextFailure() throws IOException {
        Group row = reader.read();
        if (row == null) {
            return null;
        }
        return new FailedImage(row.getString("id", 0), row.getString("uri", 0), row.getString("stage", 0),
                row.getString("reason", 0));
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}

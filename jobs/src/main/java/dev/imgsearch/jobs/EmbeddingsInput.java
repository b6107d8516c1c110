package dev.imgsearch.jobs;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.record.EmbeddingRecord;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads the embeddings an embed job wrote, as Spark rows and back as records. */
final class EmbeddingsInput {

    private static final List<String> REQUIRED = List.of("id", "uri", "width", "height", "sha256", "model", "embedding");

    private EmbeddingsInput() {
    }

    /** {@code location} is an embed job's output root or a Parquet file or folder of embedding rows. */
    static Dataset<Row> read(SparkSession spark, String location) {
        String path = location;
        try {
            Path root = new Path(location);
            Path nested = new Path(root, "embeddings");
            if (nested.getFileSystem(spark.sparkContext().hadoopConfiguration()).isDirectory(nested)) {
                path = nested.toString();
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + location + ": " + e.getMessage(), e);
        }
        Dataset<Row> rows;
        try {
            rows = spark.read().parquet(path);
        } catch (Exception e) {
            // Spark's AnalysisException (a checked exception Scala does not declare): missing path, no Parquet.
            throw new IllegalArgumentException("no embeddings at " + location + ": " + OneLine.of(e), e);
        }
        List<String> columns = List.of(rows.columns());
        for (String column : REQUIRED) {
            if (!columns.contains(column)) {
                throw new IllegalArgumentException(location + " is not an embeddings output: it has no '" + column
                        + "' column (columns: " + columns + ")");
            }
        }
        return rows;
    }

    static EmbeddingRecord toRecord(Row row) {
        List<Float> values = row.getList(row.fieldIndex("embedding"));
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return new EmbeddingRecord(row.getString(row.fieldIndex("id")), row.getString(row.fieldIndex("uri")),
                row.getInt(row.fieldIndex("width")), row.getInt(row.fieldIndex("height")),
                row.getString(row.fieldIndex("sha256")), row.getString(row.fieldIndex("model")), vector,
                optional(row, "caption"), optional(row, "label"), optional(row, "metadata"),
                optional(row, "source_offset"), optional(row, "source_length"));
    }

    /** A column that outputs of older versions lack, or a null value: null. */
    @SuppressWarnings("unchecked")
    private static <T> T optional(Row row, String column) {
        int index = row.schema().getFieldIndex(column).isDefined() ? row.fieldIndex(column) : -1;
        return index < 0 || row.isNullAt(index) ? null : (T) row.get(index);
    }
}

package dev.imgsearch.jobs;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.record.EmbeddingRecord;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads the embeddings an embed job wrote, as Spark rows and back as records. */
final class EmbeddingsInput {

    private static final List<String> REQUIRED = List.of("id", "uri", "width", "height", "sha256", "model", "embedding");

    private EmbeddingsInput() {
    }

    /**
     * {@code location} is an embed job's output root or a Parquet file or folder of embedding rows. A missing one is
     * found here, before Spark, which would log a warning with a stack trace about it first.
     */
    static Dataset<Row> read(SparkSession spark, String location) {
        String path = location;
        try {
            Path root = new Path(location);
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(root)) {
                throw new IllegalArgumentException("no embeddings at " + location + ": no such file or directory");
            }
            Path nested = new Path(root, "embeddings");
            if (fs.isDirectory(nested)) {
                path = nested.toString();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + location + ": " + OneLine.of(e), e);
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

    /**
     * Runs {@code work}, which reads the embeddings at {@code location}; when Spark fails to read one of their files
     * (truncated, corrupt, not Parquet), the error names that file.
     */
    static <T> T naming(String location, Supplier<T> work) {
        try {
            return work.get();
        } catch (Exception e) {
            // Spark throws its checked SparkException undeclared, so this catches more than RuntimeExceptions.
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof SparkThrowable spark) {
                    Map<String, String> parameters = spark.getMessageParameters();
                    String file = parameters.getOrDefault("path", parameters.get("file"));
                    if (file != null) {
                        throw new IllegalArgumentException("cannot read " + file + " of the embeddings at " + location
                                + " (truncated or corrupt?): " + OneLine.of(t.getCause() == null ? t : t.getCause()), e);
                    }
                }
            }
            throw e;
        }
    }

    static EmbeddingRecord toRecord(Row row) {
        List<Float> values = row.getList(row.fieldIndex("embedding"));
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        int caption = row.schema().getFieldIndex("caption").isDefined() ? row.fieldIndex("caption") : -1;
        return new EmbeddingRecord(row.getString(row.fieldIndex("id")), row.getString(row.fieldIndex("uri")),
                row.getInt(row.fieldIndex("width")), row.getInt(row.fieldIndex("height")),
                row.getString(row.fieldIndex("sha256")), row.getString(row.fieldIndex("model")), vector,
                caption < 0 || row.isNullAt(caption) ? null : row.getString(caption));
    }
}

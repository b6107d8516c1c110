package dev.imgsearch.jobs;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.embed.EmbedOutput;
import dev.imgsearch.embed.Embeddings;
import dev.imgsearch.embed.Provenance;
import dev.imgsearch.record.EmbeddingRecord;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads the embeddings an embed job wrote, as Spark rows and back as records. */
final class EmbeddingsInput {

    private static final List<String> REQUIRED = List.of("id", "uri", "width", "height", "sha256", "model", "embedding");

    private final Dataset<Row> rows;
    private final Optional<Provenance> provenance;

    private EmbeddingsInput(Dataset<Row> rows, Optional<Provenance> provenance) {
        this.rows = rows;
        this.provenance = provenance;
    }

    /**
     * {@code location} is an embed job's output root (its committed shards are read) or a Parquet file or folder of
     * embedding rows.
     *
     * @throws IllegalArgumentException when there are no embeddings there
     * @throws EmbedOutput.MixedOutputException when the output's shards were made by different models
     */
    static EmbeddingsInput open(SparkSession spark, String location) {
        Embeddings embeddings;
        Optional<Provenance> provenance;
        try {
            embeddings = Embeddings.at(location, spark.sparkContext().hadoopConfiguration());
            provenance = embeddings.provenance();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + location + ": " + OneLine.of(e), e);
        }
        Dataset<Row> rows;
        try {
            rows = spark.read().parquet(embeddings.files().stream().map(Path::toString).toArray(String[]::new));
        } catch (Exception e) {
            // Spark's AnalysisException (a checked exception Scala does not declare): unreadable Parquet.
            throw new IllegalArgumentException("no embeddings at " + location + ": " + OneLine.of(e), e);
        }
        List<String> columns = List.of(rows.columns());
        for (String column : REQUIRED) {
            if (!columns.contains(column)) {
                throw new IllegalArgumentException(location + " is not an embeddings output: it has no '" + column
                        + "' column (columns: " + columns + ")");
            }
        }
        return new EmbeddingsInput(rows, provenance);
    }

    /** The rows, as Spark reads them. */
    Dataset<Row> rows() {
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

    /** The model and preprocessing the rows were made with, when an embed output's markers say. */
    Optional<Provenance> provenance() {
        return provenance;
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

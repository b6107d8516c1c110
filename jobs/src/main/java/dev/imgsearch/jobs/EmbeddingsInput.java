package dev.imgsearch.jobs;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.embed.EmbedOutput;
import dev.imgsearch.embed.Embeddings;
import dev.imgsearch.embed.Provenance;
import dev.imgsearch.record.EmbeddingParquet;
import dev.imgsearch.record.EmbeddingRecord;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Reads the embeddings an embed job wrote, as Spark rows and back as records. */
final class EmbeddingsInput {

    /**
     * What Spark reads: the embed job's layout, given rather than inferred (inferring runs a Spark job, one task on an
     * executor, for every build). A column an older output lacks reads as null, as {@link #optional} expects.
     */
    private static final StructType SCHEMA = SparkSchemas.of(EmbeddingParquet.EMBEDDINGS);
    private static final List<String> REQUIRED = EmbeddingParquet.EMBEDDINGS.getFields().stream()
            .filter(field -> field.getRepetition() == Type.Repetition.REQUIRED).map(Type::getName).toList();

    private final String location;
    private final Embeddings embeddings;
    private final Configuration conf;
    private final SparkSession spark;
    private final Optional<Provenance> provenance;
    private Dataset<Row> rows;

    private EmbeddingsInput(String location, Embeddings embeddings, Configuration conf, SparkSession spark,
            Optional<Provenance> provenance) {
        this.location = location;
        this.embeddings = embeddings;
        this.conf = conf;
        this.spark = spark;
        this.provenance = provenance;
    }

    /**
     * {@code location} is an embed job's output root (its committed shards are read) or a Parquet file or folder of
     * embedding rows. The first file's footer must name every column the layout requires (Spark, inferring, read
     * that one footer too).
     *
     * @throws IllegalArgumentException when there are no embeddings there
     * @throws EmbedOutput.MixedOutputException when the output's shards were made by different models
     */
    static EmbeddingsInput open(SparkSession spark, String location) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Embeddings embeddings;
        Optional<Provenance> provenance;
        try {
            embeddings = Embeddings.at(location, conf);
            provenance = embeddings.provenance();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + location + ": " + OneLine.of(e), e);
        }
        MessageType first = footer(location, embeddings.files().get(0), conf, ParquetFileReader::getFileMetaData)
                .getSchema();
        List<String> columns = first.getFields().stream().map(Type::getName).toList();
        for (String column : REQUIRED) {
            if (!columns.contains(column)) {
                throw new IllegalArgumentException(location + " is not an embeddings output: it has no '" + column
                        + "' column (columns: " + columns + ")");
            }
        }
        return new EmbeddingsInput(location, embeddings, conf, spark, provenance);
    }

    /** Where the embeddings are, as given. */
    String location() {
        return location;
    }

    /** The Parquet files, sorted. */
    List<String> files() {
        return embeddings.files().stream().map(Path::toString).toList();
    }

    /** The rows of every file, from their footers, on the driver: no Spark job, no data page read. */
    long rowCount() {
        long count = 0;
        for (Path file : embeddings.files()) {
            count += footer(location, file, conf, ParquetFileReader::getRecordCount);
        }
        return count;
    }

    private static <T> T footer(String location, Path file, Configuration conf, Function<ParquetFileReader, T> read) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            return read.apply(reader);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(cannotRead(file.toString(), location, e), e);
        }
    }

    /** The rows, as Spark reads them; planned on first use (a sharded build reads the files itself). */
    Dataset<Row> rows() {
        if (rows == null) {
            try {
                rows = spark.read().schema(SCHEMA).parquet(files().toArray(String[]::new));
            } catch (Exception e) {
                // Spark's AnalysisException (a checked exception Scala does not declare): unreadable Parquet.
                throw new IllegalArgumentException("no embeddings at " + location + ": " + OneLine.of(e), e);
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
                        throw new IllegalArgumentException(cannotRead(file, location,
                                t.getCause() == null ? t : t.getCause()), e);
                    }
                }
                if (t instanceof EmbeddingsPart.Unreadable part) {
                    throw new IllegalArgumentException(part.getMessage(), e);
                }
            }
            throw e;
        }
    }

    static String cannotRead(String file, String location, Throwable why) {
        return "cannot read " + file + " of the embeddings at " + location + " (truncated or corrupt?): "
                + OneLine.of(why);
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

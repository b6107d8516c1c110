package dev.imgsearch.jobs;

import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.VectorStores;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build job: embeddings Parquet → a vector store. Only rows the store lacks, or holds for different image bytes,
 * are written, so a re-run is idempotent and a run over a grown embeddings set adds only what is new.
 *
 * <p>A remote store (Chroma) is written in parallel from the executors, one client per partition; an embedded store
 * (Lucene) has a single writer, fed on the driver one partition at a time, so no step holds every row in memory.
 */
public final class BuildJob {

    private static final Logger LOG = LoggerFactory.getLogger(BuildJob.class);
    private static final StructType KEYS = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("sha256", DataTypes.StringType, true);

    private BuildJob() {
    }

    /**
     * @param embeddings   an embed job's output root (its {@code embeddings/} folder is read) or a Parquet path
     * @param storeUri     where to build, e.g. {@code lucene:DIR} or {@code chroma:http://HOST:PORT/COLLECTION}
     * @param batchSize    records per upsert call
     * @param removeStale  delete store records whose id is not in the embeddings (their source is gone)
     */
    public static BuildReport run(SparkSession spark, String embeddings, String storeUri, int batchSize,
            boolean removeStale) {
        long started = System.nanoTime();
        Dataset<Row> rows = EmbeddingsInput.open(spark, embeddings).rows();
        List<Row> existing = new ArrayList<>();
        try (VectorStore store = VectorStores.open(storeUri)) {
            store.forEachRecord(MetadataSchema.SHA256,
                    (id, sha256) -> existing.add(RowFactory.create(id, sha256 == null ? null : sha256.toString())));
        }
        Dataset<Row> stored = spark.createDataFrame(existing, KEYS);
        Dataset<Row> todo = rows.join(stored,
                rows.col("id").equalTo(stored.col("id")).and(rows.col("sha256").equalTo(stored.col("sha256"))),
                "left_anti");
        long total = rows.count();
        long written = todo.count();
        LOG.info("{} embeddings, {} already in {}, {} to write", total, existing.size(), storeUri, written);
        if (isRemote(storeUri)) {
            writeFromExecutors(todo, storeUri, batchSize);
        } else {
            writeFromDriver(todo, storeUri, batchSize);
        }

        long removed = 0;
        if (removeStale) {
            List<String> staleIds = stored.join(rows, stored.col("id").equalTo(rows.col("id")), "left_anti")
                    .select(stored.col("id")).as(Encoders.STRING()).collectAsList();
            try (VectorStore store = VectorStores.open(storeUri)) {
                for (int i = 0; i < staleIds.size(); i += batchSize) {
                    store.delete(staleIds.subList(i, Math.min(staleIds.size(), i + batchSize)));
                }
            }
            removed = staleIds.size();
        }
        long count;
        try (VectorStore store = VectorStores.open(storeUri)) {
            if (written > 0 || removed > 0) {
                store.compact();
            }
            count = store.count();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        BuildReport report = new BuildReport(storeUri, total, written, total - written, removed, count, seconds,
                written / seconds);
        LOG.info("built {}: {} written, {} unchanged, {} removed, {} records in the store; {} s ({} vectors/s)",
                storeUri, written, report.unchanged(), removed, count, String.format(Locale.ROOT, "%.1f", seconds),
                String.format(Locale.ROOT, "%.0f", report.vectorsPerSecond()));
        return report;
    }

    private static boolean isRemote(String storeUri) {
        return !storeUri.startsWith("lucene:");
    }

    private static void writeFromDriver(Dataset<Row> todo, String storeUri, int batchSize) {
        try (VectorStore store = VectorStores.open(storeUri)) {
            Iterator<Row> it = todo.toLocalIterator();
            List<VectorRecord> batch = new ArrayList<>(batchSize);
            while (it.hasNext()) {
                batch.add(VectorRecord.of(EmbeddingsInput.toRecord(it.next())));
                if (batch.size() == batchSize) {
                    store.upsert(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                store.upsert(batch);
            }
        }
    }

    private static void writeFromExecutors(Dataset<Row> todo, String storeUri, int batchSize) {
        todo.foreachPartition(rows -> {
            try (VectorStore store = VectorStores.open(storeUri)) {
                List<VectorRecord> batch = new ArrayList<>(batchSize);
                while (rows.hasNext()) {
                    EmbeddingRecord record = EmbeddingsInput.toRecord(rows.next());
                    batch.add(VectorRecord.of(record));
                    if (batch.size() == batchSize) {
                        store.upsert(batch);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    store.upsert(batch);
                }
            }
        });
    }
}

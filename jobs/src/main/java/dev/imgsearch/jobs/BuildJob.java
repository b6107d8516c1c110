package dev.imgsearch.jobs;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;

import dev.imgsearch.embed.Provenance;
import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.ModelMismatchException;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.ShardedBuild;
import dev.imgsearch.store.StoreCapability;
import dev.imgsearch.store.StoreOpener;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The build job: embeddings Parquet → a vector store. Only rows the store lacks, or holds for different image bytes,
 * are written, so a re-run is idempotent and a run over a grown embeddings set adds only what is new.
 *
 * <p>Everything that can be wrong with the input is found before the store is touched: the model that made it is
 * checked against the one the store records (and recorded in a new store), every row to write is read once (a
 * corrupt part fails the build naming the file), its dimension checked against the store's, and the share of
 * the store {@link Removal#REMOVE_MISSING} would delete checked against {@link #MAX_REMOVED_PERCENT}. A store that did
 * not exist is created only then, so a failed build leaves none behind.
 *
 * <p>A store built shard by shard (Lucene, {@link StoreCapability#SHARDED_BUILD}) is written by one task per shard,
 * on the executors, each from the records routed to it by id and each merging its own shard; the driver then publishes
 * the shards in one atomic step, or drops them if any task failed, so a failed or killed build leaves the store as it
 * was. A remote store that accepts parallel writers (Chroma) is written from the executors, one client per partition;
 * any other store has a single writer, fed on the driver one partition at a time, so no step holds every row in
 * memory.
 */
public final class BuildJob {

    /**
     * The largest percentage of the store's records {@link Removal#REMOVE_MISSING} deletes unasked. Sources that are
     * really gone go a few at a time between builds; much of a store missing from the input is far more likely a
     * partial input (an unmounted folder, a prefix typo, one worker's output) than a deleted dataset.
     */
    public static final int MAX_REMOVED_PERCENT = 10;

    /** What a build does with store records whose id is not in the embeddings. */
    public enum Removal {
        /** Keep them. */
        KEEP,
        /** Delete them (their source is gone), unless that is more than {@link #MAX_REMOVED_PERCENT} of the store. */
        REMOVE_MISSING,
        /** Delete them, however many ({@code --force}). */
        REMOVE_MISSING_FORCED
    }

    private static final Logger LOG = LoggerFactory.getLogger(BuildJob.class);
    private static final StructType KEYS = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("sha256", DataTypes.StringType, true);

    private BuildJob() {
    }

    /**
     * @param embeddings an embed job's output root (its {@code embeddings/} folder is read) or a Parquet path
     * @param store      where to build
     * @param batchSize  records per upsert call
     * @param removal    what to do with store records whose id is not in the embeddings
     */
    public static BuildReport run(SparkSession spark, String embeddings, StoreUri store, int batchSize,
            Removal removal) {
        return EmbeddingsInput.naming(embeddings, () -> build(spark, embeddings, store, batchSize, removal));
    }

    private static BuildReport build(SparkSession spark, String embeddings, StoreUri asGiven, int batchSize,
            Removal removal) {
        long started = System.nanoTime();
        StoreUri store = asGiven.withHadoopConf(hadoopSettings(spark));
        EmbeddingsInput input = EmbeddingsInput.open(spark, embeddings);
        Dataset<Row> rows = input.rows();
        Optional<ModelIdentity> model = input.provenance().map(Provenance::model);
        if (model.isEmpty()) {
            LOG.warn("{} records no model (not an embed job's output), so nothing checks that it matches {}'s",
                    embeddings, store);
        }
        List<Row> existing = new ArrayList<>();
        OptionalInt storeDimension = readKeys(store, model, existing);
        Dataset<Row> stored = spark.createDataFrame(existing, KEYS);
        Dataset<Row> todo = rows.join(stored,
                rows.col("id").equalTo(stored.col("id")).and(rows.col("sha256").equalTo(stored.col("sha256"))),
                "left_anti");
        long total = rows.count();
        long written = checkRowsToWrite(todo, store, storeDimension);
        List<String> staleIds = removal == Removal.KEEP ? List.of()
                : stored.join(rows, stored.col("id").equalTo(rows.col("id")), "left_anti")
                        .select(stored.col("id")).as(Encoders.STRING()).collectAsList();
        if (removal == Removal.REMOVE_MISSING && 100L * staleIds.size() > (long) MAX_REMOVED_PERCENT * existing.size()) {
            throw new IllegalStateException(String.format(Locale.ROOT, "--remove-missing would remove %d of the %d "
                    + "records in %s (%.0f%%), more than the %d%% a build removes unasked: is the embeddings input "
                    + "partial? Nothing was changed; add --force to remove them", staleIds.size(), existing.size(),
                    store, 100.0 * staleIds.size() / existing.size(), MAX_REMOVED_PERCENT));
        }
        LOG.info("{} embeddings, {} already in {}, {} to write", total, existing.size(), store, written);

        long count = store.has(StoreCapability.SHARDED_BUILD)
                ? buildShards(todo, staleIds, store, model, batchSize, total, spark.sparkContext().defaultParallelism())
                : buildThroughOneStore(todo, staleIds, store, model, batchSize, written);
        double seconds = (System.nanoTime() - started) / 1e9;
        BuildReport report = new BuildReport(store.text(), total, written, total - written, staleIds.size(), count,
                seconds, written / seconds);
        LOG.info("built {}: {} written, {} unchanged, {} removed, {} records in the store; {} s ({} vectors/s)",
                store, written, report.unchanged(), staleIds.size(), count, String.format(Locale.ROOT, "%.1f", seconds),
                String.format(Locale.ROOT, "%.0f", report.vectorsPerSecond()));
        return report;
    }

    private static long buildThroughOneStore(Dataset<Row> todo, List<String> staleIds, StoreUri store,
            Optional<ModelIdentity> model, int batchSize, long written) {
        try (VectorStore opened = store.open(OpenMode.CREATE_OR_WRITE)) {
            model.ifPresent(opened::recordModel);
            if (store.has(StoreCapability.REMOTE) && store.has(StoreCapability.PARALLEL_WRITERS)) {
                StoreOpener opener = store.opener();
                // Dealt round-robin, so the store's number of writers write at once, each for about as long; the
                // input's own partitions (one per file) would leave unequal shares and the last writer alone.
                todo.repartition(store.writers()).foreachPartition(partition -> {
                    try (VectorStore writer = opener.open(OpenMode.WRITE_EXISTING)) {
                        upsert(partition, writer, batchSize);
                    }
                });
            } else {
                upsert(todo.toLocalIterator(), opened, batchSize);
            }
            for (int i = 0; i < staleIds.size(); i += batchSize) {
                opened.delete(staleIds.subList(i, Math.min(staleIds.size(), i + batchSize)));
            }
            if (written > 0 || !staleIds.isEmpty()) {
                opened.compact();
            }
            return opened.count();
        }
    }

    /**
     * Writes the changes one task per shard: the rows to write are shuffled to their shard's task, which also deletes
     * the stale ids routed to it; the driver publishes what every task wrote, or nothing. Returns the store's count.
     */
    private static long buildShards(Dataset<Row> todo, List<String> staleIds, StoreUri store,
            Optional<ModelIdentity> model, int batchSize, long rows, int parallelism) {
        try (ShardedBuild build = store.openShardedBuild(rows, parallelism)) {
            model.ifPresent(build::recordModel);
            ShardedBuild.Plan plan = build.plan();
            Map<Integer, List<String>> deletes = new HashMap<>();
            for (String id : staleIds) {
                deletes.computeIfAbsent(plan.shardOf(id), shard -> new ArrayList<>()).add(id);
            }
            // Integer keys 0..N-1 hash to themselves, so partition i holds exactly the records of shard i.
            JavaRDD<ShardedBuild.ShardResult> shards = todo.javaRDD()
                    .mapToPair(row -> {
                        EmbeddingRecord record = EmbeddingsInput.toRecord(row);
                        return new Tuple2<>(plan.shardOf(record.id()), record);
                    })
                    .partitionBy(new HashPartitioner(plan.shards()))
                    .mapPartitionsWithIndex((shard, records) -> List.of(writeShard(plan, shard, records,
                            deletes.getOrDefault(shard, List.of()), batchSize)).iterator(), true);
            List<ShardedBuild.ShardResult> results;
            try {
                results = shards.collect();
                build.publish(results);
            } catch (RuntimeException e) {
                build.abandon();
                throw e;
            }
            return results.stream().mapToLong(ShardedBuild.ShardResult::count).sum();
        }
    }

    /** One task's shard: its upserts and deletes, then its merge and commit. */
    private static ShardedBuild.ShardResult writeShard(ShardedBuild.Plan plan, int shard,
            Iterator<Tuple2<Integer, EmbeddingRecord>> records, List<String> deletes, int batchSize) {
        TaskContext task = TaskContext.get();
        try (ShardedBuild.ShardWriter writer = plan.open(shard, task == null ? 0 : task.attemptNumber())) {
            VectorStore store = writer.store();
            List<VectorRecord> batch = new ArrayList<>(batchSize);
            while (records.hasNext()) {
                batch.add(VectorRecord.of(records.next()._2()));
                if (batch.size() == batchSize) {
                    store.upsert(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                store.upsert(batch);
            }
            for (int i = 0; i < deletes.size(); i += batchSize) {
                store.delete(deletes.subList(i, Math.min(deletes.size(), i + batchSize)));
            }
            return writer.finish();
        }
    }

    /** The {@code spark.hadoop.*} settings, as Spark gives them to Hadoop file systems: a store on s3a needs them. */
    private static Map<String, String> hadoopSettings(SparkSession spark) {
        String prefix = "spark.hadoop.";
        Map<String, String> settings = new LinkedHashMap<>();
        for (Tuple2<String, String> entry : spark.sparkContext().getConf().getAllWithPrefix(prefix)) {
            settings.put(entry._1(), entry._2());
        }
        return settings;
    }

    /**
     * Checks that the store holds embeddings of {@code model} (or of no recorded model), adds its id and sha256 pairs
     * to {@code keys} and returns its dimension; nothing for a missing store.
     */
    private static OptionalInt readKeys(StoreUri store, Optional<ModelIdentity> model, List<Row> keys) {
        if (!store.exists()) {
            return OptionalInt.empty();
        }
        try (VectorStore opened = store.open(OpenMode.READ_ONLY)) {
            awaitReady(opened);
            if (model.isPresent()) {
                try {
                    opened.requireModel(model.get(), store.text());
                } catch (ModelMismatchException e) {
                    throw e.advise("build these embeddings into a store of their own");
                }
            }
            opened.forEachRecord(MetadataSchema.SHA256,
                    (id, sha256) -> keys.add(RowFactory.create(id, sha256 == null ? null : sha256.toString())));
            return opened.dimension();
        }
    }

    /** A store on a Hadoop file system is read from a local copy, made first. */
    private static void awaitReady(VectorStore store) {
        try {
            store.awaitReady();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while copying " + store + " into the local cache", e);
        }
    }

    /**
     * Reads every row to write once, whole (so an unreadable part fails here, before any write), and returns how many
     * there are.
     */
    private static long checkRowsToWrite(Dataset<Row> todo, StoreUri store, OptionalInt storeDimension) {
        Row summary = todo.agg(count("*"), min(size(todo.col("embedding"))), max(size(todo.col("embedding"))))
                .first();
        long rows = summary.getLong(0);
        if (rows == 0) {
            return 0;
        }
        int smallest = summary.getInt(1);
        int largest = summary.getInt(2);
        if (smallest != largest) {
            throw new IllegalArgumentException("the embeddings mix dimensions " + smallest + " and " + largest
                    + ": they come from more than one model");
        }
        if (storeDimension.isPresent() && storeDimension.getAsInt() != smallest) {
            throw new IllegalArgumentException("the embeddings have dimension " + smallest + " but " + store
                    + " holds vectors of dimension " + storeDimension.getAsInt() + ": build it from the same model");
        }
        return rows;
    }

    /** Upserts the rows in batches of {@code batchSize}. */
    private static void upsert(Iterator<Row> rows, VectorStore store, int batchSize) {
        List<VectorRecord> batch = new ArrayList<>(batchSize);
        while (rows.hasNext()) {
            batch.add(VectorRecord.of(EmbeddingsInput.toRecord(rows.next())));
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

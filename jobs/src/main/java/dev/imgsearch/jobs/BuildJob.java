package dev.imgsearch.jobs;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;

import dev.imgsearch.embed.Provenance;
import dev.imgsearch.model.ModelIdentity;
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
import java.util.IntSummaryStatistics;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaSparkContext;
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
 * <p>Everything that can be wrong with the input is found before anything is published: the model that made it is
 * checked against the one the store records (and recorded in a new store), every row is read (a corrupt part fails
 * the build naming the file) and its dimension checked against the others' and the store's, and the share of the
 * store {@link Removal#REMOVE_MISSING} would delete checked against {@link #MAX_REMOVED_PERCENT}. A store that did
 * not exist is created only when the build succeeds, so a failed build leaves none behind.
 *
 * <p>A store built shard by shard (Lucene, {@link StoreCapability#SHARDED_BUILD}) is written by one task per shard,
 * on the executors, each from every row routed to it by id: the task compares them with its own shard's stored keys,
 * so nothing of the store reaches the driver but each shard's counts, dimensions and commit point. The rows are read
 * once, by that job, into shards no reader sees yet: a corrupt part, a task that met two dimensions or one other than
 * the store's, tasks that disagree, or the share {@link Removal#REMOVE_MISSING} would delete (checked when every
 * shard has counted its own) refuse the build before anything is published; the driver then publishes the shards in
 * one atomic step, or drops them, so a failed, refused or killed build leaves the store as it was. Any other store is
 * first checked by reading the rows (their count and dimensions), then against its keys, read on the driver (a
 * few hundred bytes per record): a remote store that accepts parallel writers (Chroma) is written from the executors,
 * one client per partition; any other store has a single writer, fed on the driver one partition at a time, so no
 * step holds every row in memory.
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
        Optional<ModelIdentity> model = input.provenance().map(Provenance::model);
        if (model.isEmpty()) {
            LOG.warn("{} records no model (not an embed job's output), so nothing checks that it matches {}'s",
                    embeddings, store);
        }
        Changes changes = store.has(StoreCapability.SHARDED_BUILD)
                ? buildShards(spark, input, store, model, batchSize, removal)
                : buildThroughOneStore(input.rows(), store, model, batchSize, removal);
        double seconds = (System.nanoTime() - started) / 1e9;
        BuildReport report = new BuildReport(store.text(), changes.embeddings(), changes.written(),
                changes.embeddings() - changes.written(), changes.removed(), changes.count(), seconds,
                changes.written() / seconds);
        LOG.info("built {}: {} written, {} unchanged, {} removed, {} records in the store; {} s ({} vectors/s)",
                store, report.written(), report.unchanged(), report.removed(), report.count(),
                String.format(Locale.ROOT, "%.1f", seconds), String.format(Locale.ROOT, "%.0f",
                        report.vectorsPerSecond()));
        return report;
    }

    /** What a build changed: rows in, rows written, records removed, and the store's records afterwards. */
    private record Changes(long embeddings, long written, long removed, long count) {
    }

    /**
     * Builds into a store written through one {@link VectorStore}: the driver reads the store's (id, sha256) keys,
     * joins them against the rows, and writes what is new or changed (from the executors for a remote store that takes
     * parallel writers, else itself one partition at a time).
     */
    private static Changes buildThroughOneStore(Dataset<Row> rows, StoreUri store, Optional<ModelIdentity> model,
            int batchSize, Removal removal) {
        List<Row> existing = new ArrayList<>();
        OptionalInt storeDimension = readKeys(store, model, existing);
        Dataset<Row> stored = rows.sparkSession().createDataFrame(existing, KEYS);
        Dataset<Row> todo = rows.join(stored,
                rows.col("id").equalTo(stored.col("id")).and(rows.col("sha256").equalTo(stored.col("sha256"))),
                "left_anti");
        long total = rows.count();
        InputShape shape = InputShape.of(todo);
        shape.requireDimension(storeDimension, store);
        long written = shape.rows();
        List<String> staleIds = removal == Removal.KEEP ? List.of()
                : stored.join(rows, stored.col("id").equalTo(rows.col("id")), "left_anti")
                        .select(stored.col("id")).as(Encoders.STRING()).collectAsList();
        requireWithinRemovalLimit(removal, staleIds.size(), existing.size(), store);
        LOG.info("{} embeddings, {} already in {}, {} to write", total, existing.size(), store, written);
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
            return new Changes(total, written, staleIds.size(), opened.count());
        }
    }

    /**
     * Builds one task per shard: every row is shuffled to its shard's task, which compares it with the keys its shard
     * holds, writes what is new or changed and deletes what is gone; the driver receives only each shard's counts,
     * dimensions and new commit point, and publishes them all, or nothing. Only the manifest and Parquet footers (the
     * first file's, and every file's for a new store that chooses its shard count) are read on the driver, so a store
     * on s3a is never copied there, and the tasks' read, one task per part file, is the only pass over the rows.
     */
    private static Changes buildShards(SparkSession spark, EmbeddingsInput input, StoreUri store,
            Optional<ModelIdentity> model, int batchSize, Removal removal) {
        Map<String, String> hadoop = hadoopSettings(spark);
        try (ShardedBuild build = store.openShardedBuild(input::rowCount,
                spark.sparkContext().defaultParallelism())) {
            try {
                if (model.isPresent()) {
                    Optional<ModelIdentity> held = build.model();
                    if (held.isPresent() && !held.get().sameModelAs(model.get())) {
                        throw new ModelMismatchException(store.text(), held.get(), model.get())
                                .advise("build these embeddings into a store of their own");
                    }
                    build.recordModel(model.get());
                }
                ShardedBuild.Plan plan = build.plan();
                LOG.info("building the {} shards of {} ({} records)", plan.shards(), store, build.count());
                int storeDimension = build.dimension().orElse(0);
                List<String> files = input.files();
                String location = input.location();
                // One task per part file: an embed output is many parts of about one size.
                // Integer keys 0..N-1 hash to themselves, so partition i holds exactly the records of shard i.
                List<ShardBuildTask.Outcome> outcomes = JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(files, files.size())
                        .flatMap(file -> EmbeddingsPart.records(file, location, hadoop))
                        .mapToPair(record -> new Tuple2<>(plan.shardOf(record.id()), record))
                        .partitionBy(new HashPartitioner(plan.shards()))
                        .mapPartitionsWithIndex((shard, records) -> List.of(ShardBuildTask.run(plan, shard,
                                records, storeDimension, removal, batchSize)).iterator(), true)
                        .collect();
                InputShape shape = InputShape.of(outcomes);
                shape.requireDimension(build.dimension(), store);
                long written = outcomes.stream().mapToLong(ShardBuildTask.Outcome::written).sum();
                long removed = outcomes.stream().mapToLong(ShardBuildTask.Outcome::removed).sum();
                // Checked once every shard has counted its own: nothing is published over the limit.
                requireWithinRemovalLimit(removal, removed, build.count(), store);
                LOG.info("{} shards written from {} embeddings ({} rows written, {} removed); publishing them",
                        outcomes.size(), shape.rows(), written, removed);
                build.publish(outcomes.stream().map(ShardBuildTask.Outcome::result).toList());
                long count = outcomes.stream().mapToLong(outcome -> outcome.result().count()).sum();
                return new Changes(shape.rows(), written, removed, count);
            } catch (Exception e) {
                // Spark rethrows a task's failure as a checked SparkException, undeclared: every failure abandons.
                build.abandon();
                throw e;
            }
        }
    }

    private static void requireWithinRemovalLimit(Removal removal, long removed, long stored, StoreUri store) {
        if (removal == Removal.REMOVE_MISSING && 100L * removed > (long) MAX_REMOVED_PERCENT * stored) {
            throw new IllegalStateException(String.format(Locale.ROOT, "--remove-missing would remove %d of the %d "
                    + "records in %s (%.0f%%), more than the %d%% a build removes unasked: is the embeddings input "
                    + "partial? Nothing was changed; add --force to remove them", removed, stored, store,
                    100.0 * removed / stored, MAX_REMOVED_PERCENT));
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

    /** How many rows there are to write and their one dimension. */
    private record InputShape(long rows, int dimension) {

        /** Found by reading every row once, whole, so an unreadable part fails here, before any write. */
        static InputShape of(Dataset<Row> rows) {
            Row summary = rows.agg(count("*"), min(size(rows.col("embedding"))), max(size(rows.col("embedding"))))
                    .first();
            long count = summary.getLong(0);
            if (count == 0) {
                return new InputShape(0, 0);
            }
            requireOneDimension(summary.getInt(1), summary.getInt(2));
            return new InputShape(count, summary.getInt(1));
        }

        /** As the shard tasks saw the rows: a task that met two dimensions, or two tasks that disagree, refuse. */
        static InputShape of(List<ShardBuildTask.Outcome> outcomes) {
            IntSummaryStatistics dimensions = outcomes.stream()
                    .flatMapToInt(outcome -> IntStream.of(outcome.dimension(), outcome.conflicting()))
                    .filter(dimension -> dimension != 0).summaryStatistics();
            long rows = outcomes.stream().mapToLong(ShardBuildTask.Outcome::rows).sum();
            if (dimensions.getCount() == 0) {
                return new InputShape(rows, 0);
            }
            requireOneDimension(dimensions.getMin(), dimensions.getMax());
            return new InputShape(rows, dimensions.getMin());
        }

        private static void requireOneDimension(int smallest, int largest) {
            if (smallest != largest) {
                throw new IllegalArgumentException("the embeddings mix dimensions " + smallest + " and " + largest
                        + ": they come from more than one model");
            }
        }

        void requireDimension(OptionalInt storeDimension, StoreUri store) {
            if (rows > 0 && storeDimension.isPresent() && storeDimension.getAsInt() != dimension) {
                throw new IllegalArgumentException("the embeddings have dimension " + dimension + " but " + store
                        + " holds vectors of dimension " + storeDimension.getAsInt()
                        + ": build it from the same model");
            }
        }
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

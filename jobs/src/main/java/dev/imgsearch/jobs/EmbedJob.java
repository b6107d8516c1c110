package dev.imgsearch.jobs;

import dev.imgsearch.embed.ShardCommitter;
import dev.imgsearch.embed.ShardSummary;
import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.ImageSources;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.Shards;
import dev.imgsearch.source.SourcePlan;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embed job: plan deterministic shards on the driver, skip the committed ones, embed the rest on executors
 * (one task per shard) and write the run report.
 */
public final class EmbedJob {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedJob.class);

    private EmbedJob() {
    }

    public static RunReport run(SparkSession spark, EmbedSettings settings) throws IOException {
        Instant startedAt = Instant.now();
        long started = System.nanoTime();
        Configuration conf = settings.hadoopConfiguration();
        ImageSource source = ImageSources.open(settings.input(), settings.source());
        SourcePlan sourcePlan = source.plan(settings.shardSize());
        List<Shard> plan = sourcePlan.shards();
        if (!sourcePlan.skipped().isEmpty()) {
            LOG.info("{}: skipped {}", settings.input(), sourcePlan.skippedSummary());
        }
        if (sourcePlan.partial()) {
            LOG.warn("{} is only part of its dataset (a partial Parquet export, taken as asked)", settings.input());
        }
        List<Shard> planned = Shards.forWorker(plan, settings.shardIndex(), settings.numShards());
        ShardCommitter committer = new ShardCommitter(settings.output(), conf);
        Set<String> stale = committer.removeShardsNotIn(plan.stream().map(Shard::id).collect(Collectors.toSet()));
        if (!stale.isEmpty()) {
            LOG.warn("removed the output of {} shards that the input no longer has (files added, changed or removed): {}",
                    stale.size(), stale);
        }
        Set<String> committed = committer.committedShardIds();
        List<Shard> todo = planned.stream().filter(s -> !committed.contains(s.id())).toList();
        List<ShardSummary> earlier = new ArrayList<>();
        for (Shard shard : planned) {
            if (committed.contains(shard.id())) {
                earlier.add(committer.readSummary(shard.id()));
            }
        }
        LOG.info("{}: {} shards planned, {} already committed, {} to run", settings.input(), planned.size(),
                earlier.size(), todo.size());

        List<ShardSummary> ran = todo.isEmpty() ? List.of() : runShards(spark, settings, todo);

        long embeddedNow = ran.stream().mapToLong(ShardSummary::embedded).sum();
        long failedNow = ran.stream().mapToLong(ShardSummary::failed).sum();
        long skippedImages = earlier.stream().mapToLong(ShardSummary::inputs).sum();
        double seconds = (System.nanoTime() - started) / 1e9;
        RunReport report = new RunReport(settings.input(), settings.model(), startedAt, seconds, planned.size(),
                earlier.size(), ran.size(),
                embeddedNow + earlier.stream().mapToLong(ShardSummary::embedded).sum(),
                failedNow + earlier.stream().mapToLong(ShardSummary::failed).sum(),
                embeddedNow, failedNow, skippedImages, (embeddedNow + failedNow) / seconds, ran,
                sourcePlan.skipped(), sourcePlan.partial());
        report.writeTo(settings.output(), conf, settings.shardIndex(), settings.numShards());
        LOG.info("done in {} s: {} embedded, {} failed, {} skipped (already committed); {} images/s{}",
                String.format("%.1f", seconds), embeddedNow, failedNow, skippedImages,
                String.format("%.1f", report.imagesPerSecond()), sourcePlan.partial() ? "; partial input" : "");
        return report;
    }

    private static List<ShardSummary> runShards(SparkSession spark, EmbedSettings settings, List<Shard> todo) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LongAccumulator imagesDone = spark.sparkContext().longAccumulator("imgsearch.images");
        boolean counted = todo.stream().allMatch(s -> s.itemCount() != Shard.UNKNOWN_COUNT);
        ShardProgress progress = new ShardProgress(todo.size(),
                counted ? todo.stream().mapToLong(Shard::itemCount).sum() : Shard.UNKNOWN_COUNT, imagesDone);
        spark.sparkContext().addSparkListener(progress);
        try {
            jsc.setJobDescription("embed " + todo.size() + " shards of " + settings.input());
            return jsc.parallelize(todo, todo.size())
                    .map(shard -> EmbedShardTask.run(shard, settings, imagesDone))
                    .collect();
        } finally {
            spark.sparkContext().removeSparkListener(progress);
        }
    }
}

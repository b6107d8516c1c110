package dev.imgsearch.jobs;

import dev.imgsearch.embed.ClipEmbedder;
import dev.imgsearch.embed.EmbedOutput;
import dev.imgsearch.embed.Provenance;
import dev.imgsearch.embed.RerunCheck;
import dev.imgsearch.embed.ShardCommitter;
import dev.imgsearch.embed.ShardSummary;
import dev.imgsearch.model.ModelDescriptor;
import dev.imgsearch.model.ModelFetcher;
import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.model.ModelLocation;
import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.ImageSources;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.Shards;
import dev.imgsearch.source.SourcePlan;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embed job: plan deterministic shards on the driver, check that the run may go ahead on the output
 * ({@link RerunCheck}), skip the committed shards, embed the rest on executors (one task per shard) and write the run
 * report.
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
        Set<String> planIds = plan.stream().map(Shard::id).collect(Collectors.toSet());
        Set<String> mine = planned.stream().map(Shard::id).collect(Collectors.toSet());
        Provenance provenance = provenance(settings, conf);

        EmbedOutput output = EmbedOutput.at(settings.output(), conf);
        Map<String, ShardSummary> committed = output.committedShards();
        Set<String> stale = RerunCheck.check(settings.output(), settings.input(), committed, planIds, provenance,
                settings.stale());
        ShardCommitter committer = new ShardCommitter(output);
        if (!stale.isEmpty()) {
            LOG.warn("removing the output of {} committed shards that the input no longer has (files added, changed "
                    + "or removed): {}", stale.size(), stale);
        }
        committer.removeShardsNotIn(planIds);
        committer.removeStagingFiles(id -> committed.containsKey(id) || mine.contains(id));
        committed.keySet().removeAll(stale);

        List<Shard> todo = planned.stream().filter(s -> !committed.containsKey(s.id())).toList();
        List<ShardSummary> earlier = planned.stream().map(s -> committed.get(s.id())).filter(Objects::nonNull)
                .toList();
        LOG.info("{}: {} shards planned, {} already committed, {} to run", settings.input(), planned.size(),
                earlier.size(), todo.size());

        List<ShardSummary> ran = todo.isEmpty() ? List.of() : runShards(spark, settings, provenance, todo);
        // Attempts killed during this run (executor loss, retries) leave staging files of shards now committed.
        committer.removeStagingFiles(mine::contains);

        long embeddedNow = ran.stream().mapToLong(ShardSummary::embedded).sum();
        long failedNow = ran.stream().mapToLong(ShardSummary::failed).sum();
        long skippedImages = earlier.stream().mapToLong(ShardSummary::inputs).sum();
        double seconds = (System.nanoTime() - started) / 1e9;
        RunReport report = new RunReport(settings.input(), settings.model(), provenance.model(), startedAt, seconds,
                planned.size(), earlier.size(), ran.size(),
                embeddedNow + earlier.stream().mapToLong(ShardSummary::embedded).sum(),
                failedNow + earlier.stream().mapToLong(ShardSummary::failed).sum(),
                embeddedNow, failedNow, skippedImages, (embeddedNow + failedNow) / seconds, ran,
                sourcePlan.skipped(), sourcePlan.partial());
        report.writeTo(output, settings.shardIndex(), settings.numShards());
        LOG.info("done in {} s: {} embedded, {} failed, {} skipped (already committed); {} images/s{}",
                String.format("%.1f", seconds), embeddedNow, failedNow, skippedImages,
                String.format("%.1f", report.imagesPerSecond()), sourcePlan.partial() ? "; partial input" : "");
        return report;
    }

    /**
     * What this run embeds with, known on the driver before any shard runs: the model's files are fetched (into the
     * machine's cache, which local executors share) and hashed, without loading the model.
     */
    private static Provenance provenance(EmbedSettings settings, Configuration conf) throws IOException {
        Path modelDir = new ModelFetcher(ModelFetcher.defaultCacheDir(), conf)
                .fetch(ModelLocation.parse(settings.model()));
        return new Provenance(ModelIdentity.of(modelDir),
                ClipEmbedder.preprocessorFor(ModelDescriptor.read(modelDir)).describe(), settings.shardSize());
    }

    private static List<ShardSummary> runShards(SparkSession spark, EmbedSettings settings, Provenance provenance,
            List<Shard> todo) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LongAccumulator imagesDone = spark.sparkContext().longAccumulator("imgsearch.images");
        boolean counted = todo.stream().allMatch(s -> s.itemCount() != Shard.UNKNOWN_COUNT);
        ShardProgress progress = new ShardProgress(todo.size(),
                counted ? todo.stream().mapToLong(Shard::itemCount).sum() : Shard.UNKNOWN_COUNT, imagesDone);
        spark.sparkContext().addSparkListener(progress);
        try {
            jsc.setJobDescription("embed " + todo.size() + " shards of " + settings.input());
            return jsc.parallelize(todo, todo.size())
                    .map(shard -> EmbedShardTask.run(shard, settings, provenance, imagesDone))
                    .collect();
        } finally {
            spark.sparkContext().removeSparkListener(progress);
        }
    }
}

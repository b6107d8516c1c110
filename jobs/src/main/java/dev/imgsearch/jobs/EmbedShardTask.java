package dev.imgsearch.jobs;

import dev.imgsearch.embed.ClipEmbedder;
import dev.imgsearch.embed.EmbedOutput;
import dev.imgsearch.embed.Provenance;
import dev.imgsearch.embed.ShardCommitter;
import dev.imgsearch.embed.ShardEmbedder;
import dev.imgsearch.embed.ShardSummary;
import dev.imgsearch.model.ClipModel;
import dev.imgsearch.model.ModelFetcher;
import dev.imgsearch.model.ModelLocation;
import dev.imgsearch.model.SharedModels;
import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.ImageSources;
import dev.imgsearch.source.Shard;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The executor side of the embed job: one shard in, one committed shard out. */
final class EmbedShardTask {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedShardTask.class);

    private EmbedShardTask() {
    }

    static ShardSummary run(Shard shard, EmbedSettings settings, Provenance provenance, LongAccumulator imagesDone)
            throws IOException {
        long started = System.nanoTime();
        Configuration conf = settings.hadoopConfiguration();
        ClipModel model = SharedModels.get(ModelLocation.parse(settings.model()), TaskDevices.assigned(),
                new ModelFetcher(ModelFetcher.defaultCacheDir(), conf));
        if (!model.identity().sameModelAs(provenance.model())) {
            throw new IllegalStateException("the model at " + ModelLocation.parse(settings.model()) + " is "
                    + model.identity() + " on this executor, but " + provenance.model() + " on the driver: it changed "
                    + "during the run, or the machines see different files");
        }
        ImageSource source = ImageSources.open(settings.input(), settings.source());
        ShardCommitter committer = new ShardCommitter(EmbedOutput.at(settings.output(), conf));
        ShardEmbedder embedder = new ShardEmbedder(ClipEmbedder.of(model, settings.maxPixels()), settings.batchSize(),
                taskCpus());
        try (ShardCommitter.PendingShard pending = committer.begin(shard.id());
                var items = source.open(shard)) {
            ShardEmbedder.Counts counts = embedder.embed(items, pending.embeddings(), pending.errors());
            double seconds = (System.nanoTime() - started) / 1e9;
            ShardSummary summary = new ShardSummary(shard.id(), counts.embedded(), counts.failed(), seconds,
                    provenance);
            pending.commit(summary);
            imagesDone.add(summary.inputs());
            LOG.info("shard {}: {} embedded, {} failed in {} s ({} images/s)", shard.id(), counts.embedded(),
                    counts.failed(), String.format("%.1f", seconds), String.format("%.1f", summary.imagesPerSecond()));
            return summary;
        }
    }

    /**
     * The cores this task may use ({@code spark.task.cpus}), all of which decode and preprocess: one GPU task per
     * executor with spark.task.cpus = its cores keeps the GPU fed by all of them.
     */
    private static int taskCpus() {
        TaskContext context = TaskContext.get();
        return context == null ? 1 : Math.max(1, context.cpus());
    }
}

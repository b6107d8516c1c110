package dev.imgsearch.jobs;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.source.Shard;
import java.time.Duration;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskEndReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the driver's view of progress after each finished shard: shards done, images/s and an ETA. */
final class ShardProgress extends SparkListener {

    private static final Logger LOG = LoggerFactory.getLogger(ShardProgress.class);

    private final int shards;
    private final long images;
    private final LongAccumulator imagesDone;
    private final long started = System.nanoTime();
    private int finished;

    ShardProgress(int shards, long images, LongAccumulator imagesDone) {
        this.shards = shards;
        this.images = images;
        this.imagesDone = imagesDone;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (!taskEnd.taskInfo().successful()) {
            LOG.warn("a shard task failed (attempt {}): {}", taskEnd.taskInfo().attemptNumber() + 1,
                    oneLine(taskEnd.reason()));
            return;
        }
        finished++;
        double elapsed = (System.nanoTime() - started) / 1e9;
        long done = imagesDone.value();
        double rate = done / Math.max(elapsed, 1e-9);
        // Tar shards tell their size only once read: then the ETA goes by shards.
        double left = images == Shard.UNKNOWN_COUNT ? elapsed * (shards - finished) / finished
                : rate > 0 ? Math.max(0, images - done) / rate : 0;
        LOG.info("progress: {}/{} shards, {}/{} images, {} images/s, ETA {}", finished, shards, done,
                images == Shard.UNKNOWN_COUNT ? "?" : images, String.format("%.1f", rate),
                format(Duration.ofSeconds(Math.round(left))));
    }

    private static String oneLine(TaskEndReason reason) {
        String text = reason instanceof ExceptionFailure failure
                ? failure.className() + ": " + failure.description() : reason.toString();
        return text == null ? "unknown reason" : OneLine.of(text);
    }

    private static String format(Duration d) {
        return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}

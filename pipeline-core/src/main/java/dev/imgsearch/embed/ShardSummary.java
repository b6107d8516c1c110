package dev.imgsearch.embed;

import java.io.Serializable;

/**
 * What one shard produced, and how. Written as the shard's commit marker and gathered by the driver for the run
 * report.
 *
 * @param shardId    the shard's stable id
 * @param embedded   rows written to the embeddings output
 * @param failed     rows written to the errors output
 * @param seconds    wall time spent on the shard
 * @param provenance the model, preprocessing and shard size; null in markers written before it was recorded
 */
public record ShardSummary(String shardId, long embedded, long failed, double seconds, Provenance provenance)
        implements Serializable {

    public long inputs() {
        return embedded + failed;
    }

    public double imagesPerSecond() {
        return seconds > 0 ? inputs() / seconds : 0;
    }
}

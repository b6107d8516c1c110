package dev.imgsearch.jobs;

import dev.imgsearch.source.SourceOptions;
import java.io.Serializable;

/**
 * Everything an executor needs to embed a shard; shipped with each task.
 *
 * @param input         source URI: a directory, s3a://, hf://datasets/..., or a Parquet dataset
 * @param source        how to read the input (format, Parquet columns, Hugging Face token and endpoint) and the
 *                      Hadoop settings (s3a credentials and endpoints) that executors use for every file system
 * @param output        output root (local path, file:, s3a:, hdfs:)
 * @param model         model location: directory, .zip, https:// URL or s3a://; null for the default model
 * @param batchSize     images per model call
 * @param shardSize     items per shard
 * @param maxPixels     decompression-bomb limit
 * @param numShards     number of independent workers splitting the dataset (1 = this job does it all)
 * @param shardIndex    this worker's index in [0, numShards)
 */
public record EmbedSettings(
        String input,
        SourceOptions source,
        String output,
        String model,
        int batchSize,
        int shardSize,
        long maxPixels,
        int numShards,
        int shardIndex) implements Serializable {

    public EmbedSettings {
        if (numShards < 1 || shardIndex < 0 || shardIndex >= numShards) {
            throw new IllegalArgumentException(
                    "--shard-index must be in [0, --num-shards), got " + shardIndex + " of " + numShards);
        }
    }

    public org.apache.hadoop.conf.Configuration hadoopConfiguration() {
        var conf = new org.apache.hadoop.conf.Configuration();
        source.hadoopConf().forEach(conf::set);
        return conf;
    }
}

package dev.imgsearch.jobs;

import java.io.Serializable;
import java.util.Map;

/**
 * Everything an executor needs to embed a shard; shipped with each task.
 *
 * @param input         source URI: a directory, s3a://, hf://datasets/..., or a Parquet dataset
 * @param sourceOptions source-specific options (Hugging Face revision/config/split, image column, ...)
 * @param output        output root (local path, file:, s3a:, hdfs:)
 * @param model         model location: directory, .zip, https:// URL or s3a://; null for the default model
 * @param batchSize     images per model call
 * @param shardSize     items per shard
 * @param maxPixels     decompression-bomb limit
 * @param numShards     number of independent workers splitting the dataset (1 = this job does it all)
 * @param shardIndex    this worker's index in [0, numShards)
 * @param hadoopConf    Hadoop settings (s3a credentials and endpoints) for executors
 */
public record EmbedSettings(
        String input,
        Map<String, String> sourceOptions,
        String output,
        String model,
        int batchSize,
        int shardSize,
        long maxPixels,
        int numShards,
        int shardIndex,
        Map<String, String> hadoopConf) implements Serializable {

    public EmbedSettings {
        sourceOptions = Map.copyOf(sourceOptions);
        hadoopConf = Map.copyOf(hadoopConf);
        if (numShards < 1 || shardIndex < 0 || shardIndex >= numShards) {
            throw new IllegalArgumentException(
                    "--shard-index must be in [0, --num-shards), got " + shardIndex + " of " + numShards);
        }
    }

    public org.apache.hadoop.conf.Configuration hadoopConfiguration() {
        var conf = new org.apache.hadoop.conf.Configuration();
        hadoopConf.forEach(conf::set);
        return conf;
    }
}

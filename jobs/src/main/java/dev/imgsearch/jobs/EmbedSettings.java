package dev.imgsearch.jobs;

import dev.imgsearch.decode.ImageDecoder;
import dev.imgsearch.embed.RerunCheck;
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
 * @param stale         what the run may do with committed shards its plan no longer has
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
        int shardIndex,
        RerunCheck.Stale stale) implements Serializable {

    public EmbedSettings {
        if (numShards < 1 || shardIndex < 0 || shardIndex >= numShards) {
            throw new IllegalArgumentException(
                    "--shard-index must be in [0, --num-shards), got " + shardIndex + " of " + numShards);
        }
    }

    /** Settings with the defaults of {@code imgsearch embed}, to adjust with the builder's methods. */
    public static Builder builder(String input, String output) {
        return new Builder(input, output);
    }

    public org.apache.hadoop.conf.Configuration hadoopConfiguration() {
        var conf = new org.apache.hadoop.conf.Configuration();
        source.hadoopConf().forEach(conf::set);
        return conf;
    }

    /** Builds {@link EmbedSettings}; every setting starts at {@code imgsearch embed}'s default. */
    public static final class Builder {
        private final String input;
        private final String output;
        private SourceOptions source = SourceOptions.defaults();
        private String model;
        private int batchSize = 32;
        private int shardSize = 256;
        private long maxPixels = ImageDecoder.DEFAULT_MAX_PIXELS;
        private int numShards = 1;
        private int shardIndex;
        private RerunCheck.Stale stale = RerunCheck.Stale.GUARD;

        private Builder(String input, String output) {
            this.input = input;
            this.output = output;
        }

        public Builder source(SourceOptions value) {
            source = value;
            return this;
        }

        public Builder model(String location) {
            model = location;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder shardSize(int value) {
            shardSize = value;
            return this;
        }

        public Builder maxPixels(long value) {
            maxPixels = value;
            return this;
        }

        /** This run embeds part {@code index} of {@code count} independent workers' parts. */
        public Builder worker(int index, int count) {
            shardIndex = index;
            numShards = count;
            return this;
        }

        public Builder stale(RerunCheck.Stale value) {
            stale = value;
            return this;
        }

        public EmbedSettings build() {
            return new EmbedSettings(input, source, output, model, batchSize, shardSize, maxPixels, numShards,
                    shardIndex, stale);
        }
    }
}

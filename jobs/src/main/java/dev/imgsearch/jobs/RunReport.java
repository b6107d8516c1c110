package dev.imgsearch.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.imgsearch.embed.ShardSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The embed job's run report, written as {@code run-report.json} next to the output.
 *
 * @param input            the source URI
 * @param model            the model location as given (null = default)
 * @param startedAt        when the run started
 * @param seconds          wall time of this run
 * @param shardsPlanned    shards of this worker's part of the dataset
 * @param shardsSkipped    shards found committed by an earlier run and not recomputed
 * @param shardsRun        shards computed by this run
 * @param embedded         embedding rows over all committed shards
 * @param failed           error rows over all committed shards
 * @param embeddedThisRun  embedding rows written by this run
 * @param failedThisRun    error rows written by this run
 * @param skippedImages    inputs in skipped shards (already done)
 * @param imagesPerSecond  inputs processed by this run per second of its wall time
 * @param shards           per-shard summaries of this run
 * @param skippedFiles     files of the input that no layout reads, by reason ("not images by name": 3)
 * @param partial          true when the input is knowingly only part of its dataset (a partial Hub Parquet export)
 */
public record RunReport(
        String input,
        String model,
        Instant startedAt,
        double seconds,
        int shardsPlanned,
        int shardsSkipped,
        int shardsRun,
        long embedded,
        long failed,
        long embeddedThisRun,
        long failedThisRun,
        long skippedImages,
        double imagesPerSecond,
        List<ShardSummary> shards,
        Map<String, Long> skippedFiles,
        boolean partial) {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Writes the report as {@code run-report.json}, or, for one of several workers sharing an output, as
     * {@code run-report-part-I-of-N.json} so that the workers do not overwrite each other's reports.
     */
    public void writeTo(String outputRoot, Configuration conf, int shardIndex, int numShards) throws IOException {
        Path path = new Path(outputRoot, fileName(shardIndex, numShards));
        FileSystem fs = path.getFileSystem(conf);
        try (OutputStream out = fs.create(path, true)) {
            JSON.writeValue(out, this);
        }
    }

    public static String fileName(int shardIndex, int numShards) {
        return numShards == 1 ? "run-report.json" : "run-report-part-" + shardIndex + "-of-" + numShards + ".json";
    }

    public static RunReport read(java.nio.file.Path path) throws IOException {
        return JSON.readValue(path.toFile(), RunReport.class);
    }
}

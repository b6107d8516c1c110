package dev.imgsearch.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.imgsearch.embed.EmbedOutput;
import dev.imgsearch.embed.ShardSummary;
import dev.imgsearch.model.ModelIdentity;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The embed job's run report, written into the output (see {@link EmbedOutput#runReport}).
 *
 * @param input            the source URI
 * @param model            the model location as given (null = default)
 * @param modelIdentity    the model's name and content digest
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
        ModelIdentity modelIdentity,
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

    /** Writes the report where the output's layout puts it for this worker (see {@link EmbedOutput#runReport}). */
    public void writeTo(EmbedOutput output, int shardIndex, int numShards) throws IOException {
        try (OutputStream out = output.fileSystem().create(output.runReport(shardIndex, numShards), true)) {
            JSON.writeValue(out, this);
        }
    }

    public static RunReport read(java.nio.file.Path path) throws IOException {
        return JSON.readValue(path.toFile(), RunReport.class);
    }
}

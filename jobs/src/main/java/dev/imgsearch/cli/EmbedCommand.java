package dev.imgsearch.cli;

import dev.imgsearch.decode.ImageDecoder;
import dev.imgsearch.embed.RerunCheck;
import dev.imgsearch.jobs.EmbedJob;
import dev.imgsearch.jobs.EmbedSettings;
import dev.imgsearch.jobs.RunReport;
import dev.imgsearch.jobs.SparkSessions;
import dev.imgsearch.source.SourceOptions;
import dev.imgsearch.source.SourcePlan;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import scala.Tuple2;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed images with CLIP into Parquet (a Spark job).",
            "Output: OUTPUT/embeddings/*.parquet, OUTPUT/errors/*.parquet (inputs that could not be embedded, with the "
                + "reason), OUTPUT/run-report.json. Re-running skips the shards already committed; a run that would "
                + "remove committed shards (an empty or wrong input, another --shard-size) or use another model "
                + "stops first."})
final class EmbedCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EmbedOptions embed;

    @Mixin
    ModelOption model;

    @Option(names = "--max-pixels", defaultValue = "" + ImageDecoder.DEFAULT_MAX_PIXELS, paramLabel = "N",
            description = "Refuse images with more pixels than this (decompression bombs; default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Option(names = "--num-shards", defaultValue = "1", paramLabel = "N",
            description = "Split the dataset between this many independent workers (default: ${DEFAULT-VALUE}).")
    int numShards;

    @Option(names = "--shard-index", defaultValue = "0", paramLabel = "I",
            description = "Which of the --num-shards parts this worker embeds, from 0 (default: ${DEFAULT-VALUE}).")
    int shardIndex;

    @Option(names = "--prune-stale",
            description = "Remove the committed shards the input no longer has even when that is all or most of "
                + "them, or every shard (another --shard-size): without it such a run stops and says how much.")
    boolean pruneStale;

    @Option(names = "--allow-partial",
            description = "Embed a partial Hugging Face Parquet export (the Hub converts large splits only in part) "
                + "knowingly; the run report then says \"partial\". Without it such an input is refused.")
    boolean allowPartial;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        embed.validate();
        model.location();
        if (maxPixels < 1) {
            throw new ParameterException(spec.commandLine(), "--max-pixels must be positive");
        }
        if (numShards < 1 || shardIndex < 0 || shardIndex >= numShards) {
            throw new ParameterException(spec.commandLine(),
                    "--shard-index must be in [0, --num-shards), got " + shardIndex + " of " + numShards);
        }
        try (SparkSession session = SparkSessions.start("imgsearch embed", spark.settings())) {
            Map<String, String> hadoopConf = new LinkedHashMap<>();
            for (Tuple2<String, String> kv : session.sparkContext().getConf().getAllWithPrefix("spark.hadoop.")) {
                hadoopConf.put(kv._1(), kv._2());
            }
            SourceOptions source = SourceOptions.fromEnvironment().toBuilder().format(embed.format())
                    .imageColumn(embed.imageColumn).captionColumn(embed.captionColumn).hadoopConf(hadoopConf)
                    .allowPartial(allowPartial).build();
            EmbedSettings settings = EmbedSettings.builder(embed.input, embed.output).source(source)
                    .model(model.model).batchSize(embed.batchSize()).shardSize(embed.shardSize()).maxPixels(maxPixels)
                    .worker(shardIndex, numShards).stale(pruneStale ? RerunCheck.Stale.PRUNE : RerunCheck.Stale.GUARD)
                    .build();
            RunReport report = EmbedJob.run(session, settings);
            spec.commandLine().getOut().printf("embedded %d, failed %d, skipped %d (already done)%s%s -> %s%n",
                    report.embeddedThisRun(), report.failedThisRun(), report.skippedImages(),
                    report.skippedFiles().isEmpty() ? "" : "; skipped: " + SourcePlan.summary(report.skippedFiles()),
                    report.partial() ? "; partial input" : "", embed.output);
        }
        return 0;
    }
}

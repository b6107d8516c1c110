package dev.imgsearch.cli;

import dev.imgsearch.decode.ImageDecoder;
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
import picocli.CommandLine.Option;
import scala.Tuple2;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed images with CLIP into Parquet (a Spark job).",
            "Output: OUTPUT/embeddings/*.parquet, OUTPUT/errors/*.parquet (inputs that could not be embedded, with the "
                + "reason), OUTPUT/run-report.json. Re-running skips the shards already committed."})
final class EmbedCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "URI",
            description = {"Images: a folder (recursive) or file, s3a://bucket/prefix, hf://datasets/ORG/NAME[@REV][/PATH]"
                + " (@~parquet: the Hub's Parquet export), or a tar brace pattern (shards-{00000..00099}.tar).",
                "Image files (with metadata.csv/jsonl, .txt sidecars, class folders), WebDataset .tar/.tar.gz/.tgz"
                + " shards and Parquet with an image column are told apart by their files."})
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output root (local, s3a://, hdfs://).")
    String output;

    @Option(names = "--model", paramLabel = "LOCATION",
            description = "CLIP model: a directory, a .zip, an https:// URL (append #sha256=HEX) or s3a://. "
                + "Default: CLIP ViT-B/32, downloaded on first use.")
    String model;

    @Option(names = "--batch-size", defaultValue = "32", description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--shard-size", defaultValue = "256",
            description = "Images per shard, the unit of work, commit and resume (default: ${DEFAULT-VALUE}).")
    int shardSize;

    @Option(names = "--max-pixels", defaultValue = "" + ImageDecoder.DEFAULT_MAX_PIXELS,
            description = "Refuse images with more pixels than this (decompression bombs; default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Option(names = "--num-shards", defaultValue = "1",
            description = "Split the dataset between this many independent workers (default: ${DEFAULT-VALUE}).")
    int numShards;

    @Option(names = "--shard-index", defaultValue = "0",
            description = "Which of the --num-shards parts this worker embeds, from 0 (default: ${DEFAULT-VALUE}).")
    int shardIndex;

    @Option(names = "--format", defaultValue = "AUTO",
            description = "How --input holds the images: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: tar "
                + "shards if there are any, else image files, else Parquet).")
    SourceOptions.Format format;

    @Option(names = "--image-column",
            description = "Parquet sources: the image column, binary or {bytes, path} (default: the Image feature of "
                + "the Hugging Face metadata, else image, img, jpg, jpeg, png or webp).")
    String imageColumn;

    @Option(names = "--caption-column",
            description = "Parquet sources: a string column to keep as the caption (default: caption, text or txt).")
    String captionColumn;

    @Option(names = "--allow-partial",
            description = "Embed a partial Hugging Face Parquet export (large splits are converted only in part) "
                + "knowingly; the run report then says \"partial\". Without it such an input is refused.")
    boolean allowPartial;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1 || shardSize < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("--batch-size, --shard-size and --max-pixels must be positive");
        }
        try (SparkSession session = SparkSessions.start("imgsearch embed", spark.settings())) {
            Map<String, String> hadoopConf = new LinkedHashMap<>();
            for (Tuple2<String, String> kv : session.sparkContext().getConf().getAllWithPrefix("spark.hadoop.")) {
                hadoopConf.put(kv._1(), kv._2());
            }
            SourceOptions source = SourceOptions.fromEnvironment().toBuilder().format(format).imageColumn(imageColumn)
                    .captionColumn(captionColumn).hadoopConf(hadoopConf).allowPartial(allowPartial).build();
            EmbedSettings settings = new EmbedSettings(input, source, output, model, batchSize, shardSize, maxPixels,
                    numShards, shardIndex);
            RunReport report = EmbedJob.run(session, settings);
            System.out.printf("embedded %d, failed %d, skipped %d (already done)%s%s -> %s%n",
                    report.embeddedThisRun(), report.failedThisRun(), report.skippedImages(),
                    report.skippedFiles().isEmpty() ? "" : "; skipped: " + SourcePlan.summary(report.skippedFiles()),
                    report.partial() ? "; partial input" : "", output);
        }
        return 0;
    }
}

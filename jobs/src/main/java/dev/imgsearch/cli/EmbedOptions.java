package dev.imgsearch.cli;

import dev.imgsearch.source.SourceOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of an embed run that {@code embed} takes and {@code launch embed} hands to its jobs, declared once.
 * Options left out are null here: {@code embed} applies its defaults, {@code launch embed} leaves the task's own.
 */
final class EmbedOptions {

    static final int DEFAULT_BATCH_SIZE = 32;
    static final int DEFAULT_SHARD_SIZE = 256;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "URI",
            description = {"Images: a folder (recursive) or file, s3a://bucket/prefix, hf://datasets/ORG/NAME[@REV][/PATH]"
                + " (@~parquet: the Hub's Parquet export), or a tar brace pattern (shards-{00000..00099}.tar).",
                "Image files (with metadata.csv/jsonl, .txt sidecars, class folders), WebDataset .tar/.tar.gz/.tgz"
                + " shards and Parquet with an image column are told apart by their files."})
    String input;

    @Option(names = "--output", required = true, paramLabel = "URI",
            description = "Output root (local, s3a://, hdfs://), shared by every worker of a run.")
    String output;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Images per model call (embed's default: " + DEFAULT_BATCH_SIZE + ").")
    Integer batchSize;

    @Option(names = "--shard-size", paramLabel = "N",
            description = "Images per shard, the unit of work, commit and resume (embed's default: "
                + DEFAULT_SHARD_SIZE + ").")
    Integer shardSize;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "How --input holds the images: ${COMPLETION-CANDIDATES} (default AUTO: tar shards if there "
                + "are any, else image files, else Parquet).")
    SourceOptions.Format format;

    @Option(names = "--image-column", paramLabel = "NAME",
            description = "Parquet sources: the image column, binary or {bytes, path} (default: the Image feature of "
                + "the Hugging Face metadata, else image, img, jpg, jpeg, png or webp).")
    String imageColumn;

    @Option(names = "--caption-column", paramLabel = "NAME",
            description = "Parquet sources: a string column to keep as the caption (default: caption, text or txt).")
    String captionColumn;

    /** Usage errors (exit code 2) for values no run can take. */
    void validate() {
        if (batchSize != null && batchSize < 1 || shardSize != null && shardSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size and --shard-size must be positive");
        }
    }

    int batchSize() {
        return batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
    }

    int shardSize() {
        return shardSize == null ? DEFAULT_SHARD_SIZE : shardSize;
    }

    SourceOptions.Format format() {
        return format == null ? SourceOptions.Format.AUTO : format;
    }

    /** The settings of skypilot/embed.yaml for the options given (the task keeps its defaults for the others). */
    Map<String, String> taskEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("INPUT", input);
        env.put("OUTPUT", output);
        putIfGiven(env, "BATCH_SIZE", batchSize);
        putIfGiven(env, "SHARD_SIZE", shardSize);
        putIfGiven(env, "FORMAT", format);
        putIfGiven(env, "IMAGE_COLUMN", imageColumn);
        putIfGiven(env, "CAPTION_COLUMN", captionColumn);
        return env;
    }

    static void putIfGiven(Map<String, String> env, String key, Object value) {
        if (value != null) {
            env.put(key, value.toString());
        }
    }
}

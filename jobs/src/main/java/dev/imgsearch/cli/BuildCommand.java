package dev.imgsearch.cli;

import dev.imgsearch.jobs.BuildJob;
import dev.imgsearch.jobs.BuildReport;
import dev.imgsearch.jobs.SparkSessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Load embeddings into a vector store (a Spark job).",
            "Idempotent: writes only the rows the store lacks or holds for other image bytes."})
final class BuildCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--embeddings", required = true, paramLabel = "PATH",
            description = "An embed job's --output, or a Parquet file or folder of embedding rows.")
    String embeddings;

    @Mixin
    StoreOption store;

    @Option(names = "--batch-size", defaultValue = "2000",
            description = "Records per upsert (default: ${DEFAULT-VALUE}: Chroma ingests fastest from 2000 on).")
    int batchSize;

    @Option(names = "--remove-missing",
            description = {"Delete store records whose id is not in the embeddings (their source is gone).",
                "Refused when that is more than " + BuildJob.MAX_REMOVED_PERCENT
                    + "% of the store, which looks like a partial input, unless --force."})
    boolean removeMissing;

    @Option(names = "--force", description = "With --remove-missing: delete however many records are missing.")
    boolean force;

    @Mixin
    SparkOptions spark;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be positive, got " + batchSize);
        }
        if (force && !removeMissing) {
            throw new ParameterException(spec.commandLine(), "--force only applies to --remove-missing");
        }
        BuildJob.Removal removal = !removeMissing ? BuildJob.Removal.KEEP
                : force ? BuildJob.Removal.REMOVE_MISSING_FORCED : BuildJob.Removal.REMOVE_MISSING;
        try (SparkSession session = SparkSessions.start("imgsearch build", spark.settings())) {
            BuildReport report = BuildJob.run(session, embeddings, store.uri, batchSize, removal);
            spec.commandLine().getOut().printf("%s: %d written, %d unchanged, %d removed, %d records%n", store.uri,
                    report.written(),
                    report.unchanged(), report.removed(), report.count());
        }
        return 0;
    }
}

package dev.imgsearch.cli;

import dev.imgsearch.embed.EmbedOutput;
import dev.imgsearch.embed.Embeddings;
import dev.imgsearch.embed.Provenance;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.FailedImage;
import dev.imgsearch.record.RecordParquetReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Summarise and check an embed job's output: row counts, models, dimensions, norms, errors.",
            "Exits 1 if an embedding is not unit length, dimensions disagree, or the output mixes models.",
            "Only committed shards count: a part file whose shard has no commit marker is not part of the output."})
final class InspectCommand implements Callable<Integer> {

    private static final double NORM_TOLERANCE = 1e-4;

    @Parameters(paramLabel = "OUTPUT", description = "The --output of an embed run.")
    String output;

    @Option(names = "--errors", description = "List every error row (uri, stage, reason).")
    boolean listErrors;

    @Override
    public Integer call() throws IOException {
        Configuration conf = new Configuration();
        EmbedOutput out = EmbedOutput.at(output, conf);
        if (!out.isEmbedOutput()) {
            throw new IllegalArgumentException("no embeddings under " + output
                    + " (is it the --output of an embed run? it has no commit markers)");
        }
        Optional<Provenance> provenance = out.provenance();
        long rows = 0;
        double minNorm = Double.MAX_VALUE;
        double maxNorm = 0;
        Map<String, Integer> dimByModel = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Embeddings embeddings = Embeddings.at(output, conf);
        for (Iterator<EmbeddingRecord> it = embeddings.read(); it.hasNext(); ) {
            EmbeddingRecord r = it.next();
            rows++;
            double norm = norm(r.embedding());
            minNorm = Math.min(minNorm, norm);
            maxNorm = Math.max(maxNorm, norm);
            Integer dim = dimByModel.putIfAbsent(r.model(), r.embedding().length);
            if (dim != null && dim != r.embedding().length) {
                problems.add(r.uri() + ": dimension " + r.embedding().length + ", expected " + dim);
            }
            if (Math.abs(norm - 1) > NORM_TOLERANCE) {
                problems.add(r.uri() + ": L2 norm " + norm);
            }
        }
        if (dimByModel.size() > 1) {
            throw new EmbedOutput.MixedOutputException(output + " mixes embeddings of " + dimByModel.size()
                    + " models: " + String.join(", ", dimByModel.keySet()) + "; embed each model into its own --output");
        }
        Map<String, Integer> errorsByStage = new TreeMap<>();
        long errors = 0;
        for (Path file : out.committedErrorFiles()) {
            try (RecordParquetReader reader = new RecordParquetReader(file, conf)) {
                for (FailedImage f = reader.nextFailure(); f != null; f = reader.nextFailure()) {
                    errors++;
                    errorsByStage.merge(f.stage(), 1, Integer::sum);
                    if (listErrors) {
                        System.out.println("error\t" + f.uri() + "\t" + f.stage() + "\t" + f.reason());
                    }
                }
            }
        }
        System.out.println("embeddings: " + rows);
        dimByModel.forEach((model, dim) -> System.out.println("model: " + model + " (dimension " + dim + ")"));
        provenance.ifPresent(p -> System.out.println("made with: " + p.model() + ", " + p.preprocessing()));
        if (rows > 0) {
            System.out.printf("L2 norm: min %.7f, max %.7f%n", minNorm, maxNorm);
        }
        System.out.println("errors: " + errors + (errorsByStage.isEmpty() ? "" : " " + errorsByStage));
        problems.stream().limit(20).forEach(p -> System.out.println("problem: " + p));
        return problems.isEmpty() ? 0 : 1;
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }
}

package dev.imgsearch.cli;

import dev.imgsearch.embed.Embeddings;
import dev.imgsearch.embed.Provenance;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreValidation;
import dev.imgsearch.store.VectorStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check a store against its embeddings: self-retrieval (every sampled vector finds itself, or an "
                + "exact duplicate, first) and recall@k against exact search.",
            "Prints a table; exits 1 when a figure is below its threshold."})
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Option(names = "--embeddings", required = true, paramLabel = "PATH",
            description = "The embeddings the store was built from (an embed job's --output).")
    String embeddings;

    @Option(names = "--sample", defaultValue = "200", description = "Records to query with (default: ${DEFAULT-VALUE}).")
    int sample;

    @Mixin
    QueryOptions query;

    @Option(names = "--min-self-retrieval", defaultValue = "0.99",
            description = "Fail below this self-retrieval rate (default: ${DEFAULT-VALUE}).")
    double minSelf;

    @Option(names = "--min-recall", defaultValue = "0.9", description = "Fail below this recall@k (default: ${DEFAULT-VALUE}).")
    double minRecall;

    @Option(names = "--seed", defaultValue = "1", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    OtherModelOption otherModel;

    @Override
    public Integer call() throws Exception {
        query.validate();
        if (sample < 1) {
            throw new ParameterException(spec.commandLine(), "--sample must be positive, got " + sample);
        }
        Configuration conf = new Configuration();
        StoreValidation.Result result;
        try (VectorStore opened = store.uri.open(OpenMode.READ_ONLY)) {
            Embeddings rows = Embeddings.at(embeddings, conf);
            Optional<Provenance> provenance = rows.provenance();
            if (provenance.isPresent()) {
                otherModel.check(opened, store.uri, provenance.get().model());
            }
            List<EmbeddingRecord> queries = reservoir(rows.read(), sample, new Random(seed));
            result = StoreValidation.run(opened, queries, rows.read(),
                    SearchRequest.builder().k(query.k).extraNeighbors(query.extraNeighbors).build());
        }
        boolean selfOk = result.selfRetrieval() >= minSelf;
        boolean recallOk = result.recallAtK() >= minRecall;
        out().printf("%-16s %10s %10s%n", "metric", "value", "threshold");
        out().printf("%-16s %10d %10s%n", "queries", result.queries(), "");
        out().printf("%-16s %10.4f %10.4f %s%n", "self-retrieval", result.selfRetrieval(), minSelf,
                selfOk ? "ok" : "FAIL");
        out().printf("%-16s %10.4f %10.4f %s%n", "recall@" + query.k, result.recallAtK(), minRecall,
                recallOk ? "ok" : "FAIL");
        out().printf("%-16s %10.2f %10s%n", "query p50 ms", result.p50QueryMillis(), "");
        out().printf("%-16s %10.2f %10s%n", "query p99 ms", result.p99QueryMillis(), "");
        return selfOk && recallOk ? 0 : 1;
    }

    private static List<EmbeddingRecord> reservoir(Iterator<EmbeddingRecord> all, int size, Random random) {
        List<EmbeddingRecord> chosen = new ArrayList<>(size);
        long seen = 0;
        while (all.hasNext()) {
            EmbeddingRecord record = all.next();
            seen++;
            if (chosen.size() < size) {
                chosen.add(record);
            } else {
                long slot = (long) (random.nextDouble() * seen);
                if (slot < size) {
                    chosen.set((int) slot, record);
                }
            }
        }
        return chosen;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}

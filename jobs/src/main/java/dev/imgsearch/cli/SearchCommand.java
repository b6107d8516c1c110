package dev.imgsearch.cli;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.embed.ClipEmbedder;
import dev.imgsearch.model.ClipModel;
import dev.imgsearch.model.ModelLocation;
import dev.imgsearch.model.SharedModels;
import dev.imgsearch.store.MetadataFilter;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.VectorStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search a store from the console: by text, by an image file, or by the id of a stored record.",
            "With no query, an interactive prompt: type text, an image path, or id:ID; an empty line or 'quit' ends it."})
final class SearchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Mixin
    ModelOption model;

    @ArgGroup(exclusive = true)
    Query query;

    static final class Query {
        @Parameters(paramLabel = "TEXT", description = "Text to search for.")
        String text;

        @Option(names = "--image", paramLabel = "FILE", description = "Find images similar to this one.")
        Path image;

        @Option(names = "--id", paramLabel = "ID", description = "Find images similar to this stored record.")
        String id;
    }

    @Option(names = "--filter", paramLabel = "FIELD=VALUE", description = "Metadata condition; repeatable.")
    List<String> filters = new ArrayList<>();

    @Mixin
    QueryOptions limits;

    @Mixin
    OtherModelOption otherModel;

    @Override
    public Integer call() throws Exception {
        limits.validate();
        ModelLocation location = model.location();
        try (VectorStore opened = store.uri.open(OpenMode.READ_ONLY)) {
            SearchRequest request = SearchRequest.builder().k(limits.k)
                    .filter(MetadataFilter.parse(filters, opened.schema())).extraNeighbors(limits.extraNeighbors).build();
            if (query != null) {
                print(out(), run(opened, location, query, request));
                return 0;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                out().print("> ");
                out().flush();
                String line = in.readLine();
                if (line == null || line.isBlank() || line.strip().equals("quit") || line.strip().equals("exit")) {
                    return 0;
                }
                try {
                    print(out(), run(opened, location, parse(line.strip()), request));
                } catch (RuntimeException e) {
                    out().println("error: " + OneLine.of(e));
                }
            }
        }
    }

    private static Query parse(String line) {
        Query q = new Query();
        if (line.startsWith("id:")) {
            q.id = line.substring(3).strip();
        } else if (Files.isRegularFile(Path.of(line))) {
            q.image = Path.of(line);
        } else {
            q.text = line;
        }
        return q;
    }

    private List<SearchHit> run(VectorStore opened, ModelLocation location, Query q, SearchRequest request)
            throws Exception {
        if (q.id != null) {
            return opened.searchById(q.id, request);
        }
        ClipModel loaded = SharedModels.get(location, ClipModel.defaultDevice());
        otherModel.check(opened, store.uri, loaded.identity());
        ClipEmbedder clip = ClipEmbedder.of(loaded);
        if (q.text != null) {
            return opened.search(clip.embedTexts(List.of(q.text))[0], request);
        }
        return opened.search(clip.embedImage(Files.readAllBytes(q.image)), request);
    }

    private static void print(PrintWriter out, List<SearchHit> hits) {
        if (hits.isEmpty()) {
            out.println("no results");
        }
        for (SearchHit hit : hits) {
            out.printf(Locale.ROOT, "* %s  %s  similarity=%.4f%n", hit.id(), hit.metadata().get(MetadataSchema.URI),
                    hit.score());
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}

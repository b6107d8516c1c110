package dev.imgsearch.store;

import dev.imgsearch.store.chroma.ChromaStoreOptions;
import dev.imgsearch.store.chroma.ChromaVectorStore;
import dev.imgsearch.store.lucene.LuceneIndexKind;
import dev.imgsearch.store.lucene.LuceneIndexSettings;
import dev.imgsearch.store.lucene.LuceneVectorStore;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Opens a store from a URI, as given on a command line or in a config file:
 * <ul>
 *   <li>{@code lucene:DIR} opens the index in DIR, or creates one with the default settings (HNSW); options:
 *   {@code kind=flat|hnsw|hnsw-int8}, {@code m=M}, {@code beam-width=N} (an existing index must match them),
 *   {@code candidates=N} (search-time HNSW candidates), {@code read-only=true} (the index must exist);</li>
 *   <li>{@code chroma:http://HOST:PORT/COLLECTION} opens or creates that collection; options for a new collection:
 *   {@code ef-construction=N}, {@code ef-search=N}, {@code m=M}.</li>
 * </ul>
 * Options follow a {@code ?}, joined by {@code &}, e.g. {@code lucene:/data/index?kind=hnsw-int8&m=32}.
 */
public final class VectorStores {

    private static final Set<String> LUCENE_OPTIONS = Set.of("kind", "m", "beam-width", "candidates", "read-only");
    private static final Set<String> CHROMA_OPTIONS = Set.of("ef-construction", "ef-search", "m");

    private VectorStores() {
    }

    /**
     * @throws IllegalArgumentException for a malformed URI or option
     * @throws StoreException           when the store cannot be opened
     */
    public static VectorStore open(String uri) {
        int colon = uri.indexOf(':');
        String scheme = colon < 0 ? "" : uri.substring(0, colon);
        String rest = colon < 0 ? "" : uri.substring(colon + 1);
        int question = rest.indexOf('?');
        String location = question < 0 ? rest : rest.substring(0, question);
        Map<String, String> options = question < 0 ? Map.of() : options(uri, rest.substring(question + 1));
        if (location.isEmpty()) {
            throw bad(uri, "expected lucene:DIR or chroma:http://HOST:PORT/COLLECTION");
        }
        return switch (scheme) {
            case "lucene" -> lucene(uri, Path.of(location), options);
            case "chroma" -> chroma(uri, location, options);
            default -> throw bad(uri, "unknown store '" + scheme + "'; expected lucene:DIR or chroma:http://HOST:PORT/COLLECTION");
        };
    }

    private static VectorStore lucene(String uri, Path dir, Map<String, String> options) {
        requireKnown(uri, options, LUCENE_OPTIONS);
        int candidates = number(uri, options, "candidates", LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
        boolean readOnly = Boolean.parseBoolean(options.getOrDefault("read-only", "false"));
        boolean explicit = options.containsKey("kind") || options.containsKey("m") || options.containsKey("beam-width");
        if (readOnly && explicit) {
            throw bad(uri, "read-only opens an index as it was created: drop kind, m and beam-width");
        }
        if (readOnly) {
            return LuceneVectorStore.openExisting(dir, true, candidates);
        }
        if (!explicit) {
            return LuceneVectorStore.openOrCreate(dir, candidates);
        }
        LuceneIndexSettings defaults = LuceneIndexSettings.DEFAULT;
        LuceneIndexKind kind;
        try {
            kind = LuceneIndexKind.parse(options.getOrDefault("kind", defaults.kind().id()));
        } catch (IllegalArgumentException e) {
            throw bad(uri, e.getMessage());
        }
        LuceneIndexSettings settings = defaults.withKind(kind).withHnsw(
                number(uri, options, "m", defaults.maxConn()), number(uri, options, "beam-width", defaults.beamWidth()));
        return LuceneVectorStore.open(dir, settings, candidates);
    }

    private static VectorStore chroma(String uri, String location, Map<String, String> options) {
        requireKnown(uri, options, CHROMA_OPTIONS);
        URI url;
        try {
            url = new URI(location);
        } catch (URISyntaxException e) {
            throw bad(uri, e.getMessage());
        }
        String path = url.getPath() == null ? "" : url.getPath();
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null
                || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw bad(uri, "expected chroma:http://HOST:PORT/COLLECTION");
        }
        ChromaStoreOptions defaults = ChromaStoreOptions.DEFAULT;
        ChromaStoreOptions chromaOptions = defaults.withHnsw(
                number(uri, options, "ef-construction", defaults.efConstruction()),
                number(uri, options, "ef-search", defaults.efSearch()),
                number(uri, options, "m", defaults.maxNeighbors()));
        return ChromaVectorStore.open(url.resolve("/"), path.substring(1), chromaOptions);
    }

    private static Map<String, String> options(String uri, String query) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || options.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                throw bad(uri, "options must be distinct name=value pairs joined by &, got '" + pair + "'");
            }
        }
        return options;
    }

    private static void requireKnown(String uri, Map<String, String> options, Set<String> known) {
        for (String name : options.keySet()) {
            if (!known.contains(name)) {
                throw bad(uri, "unknown option '" + name + "'; known: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static int number(String uri, Map<String, String> options, String name, int fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw bad(uri, "option " + name + " needs a whole number, got '" + value + "'");
        }
    }

    private static IllegalArgumentException bad(String uri, String why) {
        return new IllegalArgumentException("bad store URI '" + uri + "': " + why);
    }
}

package dev.imgsearch.store.chroma;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.StoreCapability;
import dev.imgsearch.store.StoreKind;
import dev.imgsearch.store.StoreOpener;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.chroma.client.ChromaDatabase;
import dev.imgsearch.store.chroma.client.ChromaToken;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code chroma:http(s)://HOST[:PORT]/COLLECTION}: a collection of a Chroma server. Options: {@code tenant} and
 * {@code database} locate the collection; {@code token} says where the token of a token-protected server is
 * ({@code env:VARIABLE} or {@code file:PATH}) and {@code token-header} which header carries it; {@code ef-construction},
 * {@code ef-search} and {@code m} configure a new collection; {@code writers} is how many writers a build runs at once.
 * Any number of writers, from anywhere.
 */
public final class ChromaStoreKind implements StoreKind {

    /**
     * Writers a build runs at once by default: the concurrency at which the Chroma server's ingest rate stopped
     * growing, measured in docs/benchmarks.md ("Chroma's ingest ceiling").
     */
    public static final int DEFAULT_WRITERS = 2;

    /** What to do when the server refuses a request as unauthenticated. */
    static final String TOKEN_ADVICE = "a token-protected Chroma needs its token, named in the store URI as "
            + "?token=env:VARIABLE or ?token=file:PATH; it is sent as x-chroma-token, or with ?token-header=authorization "
            + "as Authorization: Bearer";

    private static final String FORM = "chroma:http://HOST:PORT/COLLECTION";
    private static final String TOKEN = "token";
    private static final String TOKEN_HEADER = "token-header";
    private static final String WRITERS = "writers";

    @Override
    public String scheme() {
        return "chroma";
    }

    @Override
    public String form() {
        return FORM;
    }

    @Override
    public Set<String> options() {
        return Set.of("tenant", "database", TOKEN, TOKEN_HEADER, "ef-construction", "ef-search", "m", WRITERS);
    }

    @Override
    public void check(StoreUri uri) {
        URI url = collection(uri);
        options(uri, MetadataSchema.IMAGES, Optional.empty());
        uri.orBad(() -> new ChromaDatabase(url.resolve("/"), tenant(uri), database(uri)));
        if (uri.hasOption(TOKEN)) {
            String value = uri.option(TOKEN, "");
            try {
                TokenSource.parse(value);
            } catch (IllegalArgumentException e) {
                // The value may be the token itself, pasted in: the error must not print it.
                throw new IllegalArgumentException("bad store URI '" + uri.text().replace(TOKEN + "=" + value,
                        TOKEN + "=(hidden)") + "': " + e.getMessage(), e);
            }
        } else if (uri.hasOption(TOKEN_HEADER)) {
            throw uri.bad("option token-header needs option token");
        }
        header(uri);
        if (writers(uri) < 1) {
            throw uri.bad("option writers needs at least 1, got " + writers(uri));
        }
    }

    @Override
    public Set<StoreCapability> capabilities(StoreUri uri) {
        return Set.of(StoreCapability.PARALLEL_WRITERS, StoreCapability.REMOTE);
    }

    @Override
    public boolean exists(StoreUri uri) {
        URI url = collection(uri);
        return ChromaVectorStore.exists(url.resolve("/"), name(url), options(uri, MetadataSchema.IMAGES, token(uri)));
    }

    @Override
    public VectorStore open(StoreUri uri, OpenMode mode, MetadataSchema schema) {
        return open(uri, mode, schema, token(uri));
    }

    /** Reads the token here, so the executors a build sends this to need neither its variable nor its file. */
    @Override
    public StoreOpener opener(StoreUri uri) {
        String text = uri.text();
        ChromaToken token = token(uri).orElse(null); // Optional is not Serializable
        return mode -> open(StoreUri.parse(text), mode, MetadataSchema.IMAGES, Optional.ofNullable(token));
    }

    @Override
    public int writers(StoreUri uri) {
        return uri.intOption(WRITERS, DEFAULT_WRITERS);
    }

    private static VectorStore open(StoreUri uri, OpenMode mode, MetadataSchema schema, Optional<ChromaToken> token) {
        URI url = collection(uri);
        return ChromaVectorStore.open(url.resolve("/"), name(url), mode, options(uri, schema, token));
    }

    /** The collection's URL: the server, then the collection name as the only path segment. */
    private static URI collection(StoreUri uri) {
        URI url;
        try {
            url = new URI(uri.location());
        } catch (URISyntaxException e) {
            throw uri.bad(e.getMessage());
        }
        String path = url.getPath() == null ? "" : url.getPath();
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null
                || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw uri.bad("expected " + FORM);
        }
        uri.orBad(() -> {
            ChromaVectorStore.requireCollectionName(name(url));
            return path;
        });
        return url;
    }

    private static String name(URI collection) {
        return collection.getPath().substring(1);
    }

    private static String tenant(StoreUri uri) {
        return uri.option("tenant", ChromaDatabase.DEFAULT_TENANT);
    }

    private static String database(StoreUri uri) {
        return uri.option("database", ChromaDatabase.DEFAULT_DATABASE);
    }

    /** The token the URI points at, read now; none when it names none. */
    private static Optional<ChromaToken> token(StoreUri uri) {
        if (!uri.hasOption(TOKEN)) {
            return Optional.empty();
        }
        return Optional.of(TokenSource.parse(uri.option(TOKEN, "")).read(header(uri), System::getenv));
    }

    private static ChromaToken.Header header(StoreUri uri) {
        String name = uri.option(TOKEN_HEADER, ChromaToken.Header.X_CHROMA_TOKEN.headerName()).toLowerCase(Locale.ROOT);
        for (ChromaToken.Header header : ChromaToken.Header.values()) {
            if (header.headerName().toLowerCase(Locale.ROOT).equals(name)) {
                return header;
            }
        }
        throw uri.bad("option token-header needs x-chroma-token or authorization, got '" + name + "'");
    }

    private static ChromaStoreOptions options(StoreUri uri, MetadataSchema schema, Optional<ChromaToken> token) {
        ChromaStoreOptions defaults = ChromaStoreOptions.DEFAULT;
        return uri.orBad(() -> defaults.toBuilder()
                .tenant(tenant(uri))
                .database(database(uri))
                .token(token)
                .schema(schema)
                .efConstruction(uri.intOption("ef-construction", defaults.efConstruction()))
                .efSearch(uri.intOption("ef-search", defaults.efSearch()))
                .maxNeighbors(uri.intOption("m", defaults.maxNeighbors()))
                .build());
    }
}

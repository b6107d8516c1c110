package dev.imgsearch.store.chroma;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.StoreCapability;
import dev.imgsearch.store.StoreKind;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorStore;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * {@code chroma:http://HOST:PORT/COLLECTION}: a collection of a Chroma server. Options {@code ef-construction},
 * {@code ef-search} and {@code m} configure a new collection. Any number of writers, from anywhere.
 */
public final class ChromaStoreKind implements StoreKind {

    @Override
    public String scheme() {
        return "chroma";
    }

    @Override
    public String form() {
        return "chroma:http://HOST:PORT/COLLECTION";
    }

    @Override
    public Set<String> options() {
        return Set.of("ef-construction", "ef-search", "m");
    }

    @Override
    public void check(StoreUri uri) {
        collection(uri);
        options(uri, MetadataSchema.IMAGES);
    }

    @Override
    public Set<StoreCapability> capabilities(StoreUri uri) {
        return Set.of(StoreCapability.PARALLEL_WRITERS, StoreCapability.REMOTE);
    }

    @Override
    public boolean exists(StoreUri uri) {
        URI url = collection(uri);
        return ChromaVectorStore.exists(url.resolve("/"), url.getPath().substring(1), options(uri, MetadataSchema.IMAGES));
    }

    @Override
    public VectorStore open(StoreUri uri, OpenMode mode, MetadataSchema schema) {
        URI url = collection(uri);
        return ChromaVectorStore.open(url.resolve("/"), url.getPath().substring(1), mode, options(uri, schema));
    }

    /** The collection's URL: the server, then the collection name as the only path segment. */
    private URI collection(StoreUri uri) {
        URI url;
        try {
            url = new URI(uri.location());
        } catch (URISyntaxException e) {
            throw uri.bad(e.getMessage());
        }
        String path = url.getPath() == null ? "" : url.getPath();
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null
                || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw uri.bad("expected " + form());
        }
        uri.orBad(() -> {
            ChromaVectorStore.requireCollectionName(path.substring(1));
            return path;
        });
        return url;
    }

    private static ChromaStoreOptions options(StoreUri uri, MetadataSchema schema) {
        ChromaStoreOptions defaults = ChromaStoreOptions.DEFAULT;
        return uri.orBad(() -> defaults.toBuilder()
                .schema(schema)
                .efConstruction(uri.intOption("ef-construction", defaults.efConstruction()))
                .efSearch(uri.intOption("ef-search", defaults.efSearch()))
                .maxNeighbors(uri.intOption("m", defaults.maxNeighbors()))
                .build());
    }
}

package dev.imgsearch.store.chroma.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * A collection's vector index as the server describes it: which kind, and its distance.
 *
 * <p>Single-node Chroma builds HNSW indexes; distributed Chroma and Chroma Cloud build SPANN indexes, and turn a
 * requested HNSW configuration into a SPANN one of the same space. A collection answer carries the index in
 * {@code configuration_json} as {@code {"hnsw": {...}, "spann": null}} or {@code {"hnsw": null, "spann": {...}}}; newer
 * servers add a {@code schema} whose {@code #embedding} key holds the same under
 * {@code float_list.vector_index.config}; collections made before either kept {@code hnsw:space} in their metadata.
 * Chroma's default distance, wherever none is given, is {@code l2}.
 *
 * @param kind  the index kind
 * @param space the distance: {@code cosine}, {@code l2} or {@code ip}
 */
public record ChromaIndex(Kind kind, String space) {

    /** Chroma's distance when a collection names none. */
    static final String DEFAULT_SPACE = "l2";

    /** The two kinds of vector index Chroma builds. */
    public enum Kind {
        HNSW, SPANN;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The index of a collection, read from its JSON as {@code GET /collections/{name}} answers it. */
    static ChromaIndex of(JsonNode collection) {
        JsonNode configuration = collection.path("configuration_json");
        for (Kind kind : Kind.values()) {
            JsonNode index = configuration.path(kind.key());
            if (index.isObject()) {
                return new ChromaIndex(kind, index.path("space").asText(DEFAULT_SPACE));
            }
        }
        JsonNode schemaIndex = collection.path("schema").path("keys").path("#embedding").path("float_list")
                .path("vector_index").path("config");
        if (schemaIndex.isObject()) {
            Kind kind = schemaIndex.path(Kind.SPANN.key()).isObject() ? Kind.SPANN : Kind.HNSW;
            return new ChromaIndex(kind, schemaIndex.path("space").asText(DEFAULT_SPACE));
        }
        return new ChromaIndex(Kind.HNSW, collection.path("metadata").path("hnsw:space").asText(DEFAULT_SPACE));
    }
}

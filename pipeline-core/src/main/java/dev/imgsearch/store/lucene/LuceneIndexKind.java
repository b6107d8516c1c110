package dev.imgsearch.store.lucene;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a Lucene store indexes its vectors. */
public enum LuceneIndexKind {
    /** No graph: every search scans all vectors. Exact; fastest to build; search time grows with the store. */
    FLAT,
    /** An HNSW graph over float32 vectors. */
    HNSW,
    /** An HNSW graph over scalar-quantized (7-bit, one byte per component) vectors; float32 kept for re-ranking. */
    HNSW_INT8;

    /** The name used in store URIs and the index's commit data: {@code flat}, {@code hnsw}, {@code hnsw-int8}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static LuceneIndexKind parse(String id) {
        for (LuceneIndexKind kind : values()) {
            if (kind.id().equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown Lucene index kind '" + id + "'; known: "
                + Arrays.stream(values()).map(LuceneIndexKind::id).collect(Collectors.joining(", ")));
    }
}

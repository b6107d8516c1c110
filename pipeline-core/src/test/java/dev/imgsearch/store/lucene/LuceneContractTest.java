package dev.imgsearch.store.lucene;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.VectorStoreContractTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The store contract, for each Lucene index kind. */
class LuceneContractTest {

    @TempDir
    Path dir;

    private VectorStore open(LuceneIndexKind kind, MetadataSchema schema) {
        LuceneIndexSettings settings = LuceneIndexSettings.DEFAULT.withKind(kind).withSchema(schema);
        return LuceneVectorStore.open(dir.resolve("index"), settings, LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
    }

    @Nested
    class Flat extends VectorStoreContractTest {
        @Override
        protected VectorStore newStore(MetadataSchema schema) {
            return open(LuceneIndexKind.FLAT, schema);
        }
    }

    @Nested
    class Hnsw extends VectorStoreContractTest {
        @Override
        protected VectorStore newStore(MetadataSchema schema) {
            return open(LuceneIndexKind.HNSW, schema);
        }
    }

    @Nested
    class HnswInt8 extends VectorStoreContractTest {
        @Override
        protected VectorStore newStore(MetadataSchema schema) {
            return open(LuceneIndexKind.HNSW_INT8, schema);
        }
    }
}

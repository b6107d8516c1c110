package dev.imgsearch.store.lucene;

import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorStoreContractTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The store contract, for each Lucene index kind, and for stores of one and of several shards. */
class LuceneContractTest {

    @TempDir
    Path dir;

    private final AtomicInteger indexes = new AtomicInteger();

    private StoreUri newIndex(LuceneIndexKind kind) {
        return StoreUri.parse("lucene:" + dir.resolve("index-" + indexes.incrementAndGet()) + "?kind=" + kind.id());
    }

    @Nested
    class Flat extends VectorStoreContractTest {
        @Override
        protected StoreUri newLocation() {
            return newIndex(LuceneIndexKind.FLAT);
        }
    }

    @Nested
    class Hnsw extends VectorStoreContractTest {
        @Override
        protected StoreUri newLocation() {
            return newIndex(LuceneIndexKind.HNSW);
        }
    }

    @Nested
    class HnswInt8 extends VectorStoreContractTest {
        @Override
        protected StoreUri newLocation() {
            return newIndex(LuceneIndexKind.HNSW_INT8);
        }
    }

    @Nested
    class OneShard extends VectorStoreContractTest {
        @Override
        protected StoreUri newLocation() {
            return StoreUri.parse(newIndex(LuceneIndexKind.HNSW) + "&shards=1");
        }
    }

    @Nested
    class ThreeShards extends VectorStoreContractTest {
        @Override
        protected StoreUri newLocation() {
            return StoreUri.parse(newIndex(LuceneIndexKind.HNSW) + "&shards=3");
        }
    }
}

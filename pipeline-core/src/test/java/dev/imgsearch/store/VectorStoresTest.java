package dev.imgsearch.store;

import dev.imgsearch.store.lucene.LuceneIndexKind;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorStoresTest {

    @TempDir
    Path tmp;

    @Test
    void aLuceneUriCreatesThenReopensAnIndex() {
        String uri = "lucene:" + tmp.resolve("idx");
        try (VectorStore store = VectorStores.open(uri)) {
            assertEquals(LuceneIndexKind.HNSW, ((LuceneVectorStore) store).settings().kind());
            store.upsert(List.of(new VectorRecord("a", new float[]{1, 0}, Map.of())));
        }

        try (VectorStore reader = VectorStores.open(uri + "?read-only=true&candidates=20")) {
            assertEquals(1, reader.count());
            assertThrows(IllegalStateException.class, () -> reader.delete(List.of("a")));
        }
    }

    @Test
    void luceneOptionsChooseTheIndex() {
        try (VectorStore store = VectorStores.open("lucene:" + tmp.resolve("idx") + "?kind=hnsw-int8&m=8&beam-width=40")) {
            var settings = ((LuceneVectorStore) store).settings();
            assertEquals(LuceneIndexKind.HNSW_INT8, settings.kind());
            assertEquals(8, settings.maxConn());
            assertEquals(40, settings.beamWidth());
        }
    }

    @Test
    void readOnlyNeedsAnExistingIndex() {
        assertThrows(StoreException.class, () -> VectorStores.open("lucene:" + tmp.resolve("none") + "?read-only=true"));
    }

    @Test
    void malformedUrisAreIllegalArgumentsSayingWhatIsExpected() {
        for (String uri : List.of("", "/just/a/path", "lucene:", "redis:x", "lucene:" + tmp + "?kind=ivf",
                "lucene:" + tmp + "?colour=red", "lucene:" + tmp + "?m=many", "lucene:" + tmp + "?read-only=true&kind=flat",
                "lucene:" + tmp + "?m", "chroma:ftp://host:1/c", "chroma:http://host:1/", "chroma:http://host:1/a/b",
                "chroma:http://host:1/coll?m=1&m=2")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorStores.open(uri), uri);
            assertTrue(e.getMessage().startsWith("bad store URI '" + uri + "'"), e.getMessage());
        }
    }
}

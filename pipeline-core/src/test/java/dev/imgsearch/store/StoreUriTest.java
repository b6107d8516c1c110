package dev.imgsearch.store;

import dev.imgsearch.store.lucene.LuceneIndexKind;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreUriTest {

    @TempDir
    Path tmp;

    @Test
    void aLuceneUriCreatesThenReopensAnIndex() {
        StoreUri uri = StoreUri.parse("lucene:" + tmp.resolve("idx"));
        try (VectorStore store = uri.open(OpenMode.CREATE_OR_WRITE)) {
            assertEquals(LuceneIndexKind.HNSW, ((LuceneVectorStore) store).settings().kind());
            store.upsert(List.of(new VectorRecord("a", new float[]{1, 0}, Map.of())));
        }

        try (VectorStore reader = StoreUri.parse(uri + "?candidates=20").open(OpenMode.READ_ONLY)) {
            assertEquals(1, reader.count());
            assertThrows(IllegalStateException.class, () -> reader.delete(List.of("a")));
        }
    }

    @Test
    void luceneOptionsChooseTheIndex() {
        try (VectorStore store = StoreUri.parse("lucene:" + tmp.resolve("idx") + "?kind=hnsw-int8&m=8&beam-width=40")
                .open(OpenMode.CREATE_OR_WRITE)) {
            var settings = ((LuceneVectorStore) store).settings();
            assertEquals(LuceneIndexKind.HNSW_INT8, settings.kind());
            assertEquals(8, settings.maxConn());
            assertEquals(40, settings.beamWidth());
        }
    }

    @Test
    void anIndexOpenedWithoutOptionsKeepsItsSettingsAndWithOtherOptionsIsRefused() {
        String dir = "lucene:" + tmp.resolve("idx");
        StoreUri.parse(dir + "?kind=flat").open(OpenMode.CREATE_OR_WRITE).close();

        for (OpenMode mode : OpenMode.values()) {
            try (VectorStore store = StoreUri.parse(dir).open(mode)) {
                assertEquals(LuceneIndexKind.FLAT, ((LuceneVectorStore) store).settings().kind(), mode.name());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StoreUri.parse(dir + "?kind=hnsw").open(mode), mode.name());
            assertTrue(e.getMessage().contains("was created as flat"), e.getMessage());
        }
    }

    @Test
    void readingOpensOfAMissingIndexCreateNothing() {
        Path missing = tmp.resolve("no").resolve("idx");
        StoreUri uri = StoreUri.parse("lucene:" + missing);

        assertFalse(uri.exists());
        for (OpenMode mode : List.of(OpenMode.READ_ONLY, OpenMode.WRITE_EXISTING)) {
            StoreException e = assertThrows(StoreException.class, () -> uri.open(mode));
            assertEquals("no Lucene index at " + missing + ": the directory does not exist", e.getMessage());
        }
        assertFalse(Files.exists(tmp.resolve("no")), "no directory may be created");
    }

    @Test
    void capabilitiesFollowTheKind() {
        assertEquals(Set.of(StoreCapability.SHARDED_BUILD), capabilities(StoreUri.parse("lucene:" + tmp)));
        assertEquals(Set.of(StoreCapability.PARALLEL_WRITERS, StoreCapability.REMOTE),
                capabilities(StoreUri.parse("chroma:http://127.0.0.1:8000/images")));
    }

    @Test
    void thePartsOfAUriAreKept() {
        StoreUri uri = StoreUri.parse("chroma:http://host:8000/images?ef-search=50&m=8");

        assertEquals("chroma", uri.kind().scheme());
        assertEquals("http://host:8000/images", uri.location());
        assertEquals(Map.of("ef-search", "50", "m", "8"), uri.options());
        assertEquals("chroma:http://host:8000/images?ef-search=50&m=8", uri.toString());
    }

    @Test
    void malformedUrisAreIllegalArgumentsSayingWhatIsExpected() {
        for (String uri : List.of("", "/just/a/path", "lucene:", "redis:x", "lucene:" + tmp + "?kind=ivf",
                "lucene:" + tmp + "?colour=red", "lucene:" + tmp + "?m=many", "lucene:" + tmp + "?m=0",
                "lucene:" + tmp + "?read-only=true", "lucene:" + tmp + "?m", "lucene:" + tmp + "?candidates=x",
                "chroma:ftp://host:1/c", "chroma:http://host:1/", "chroma:http://host:1/a/b",
                "chroma:http://host:1/coll?m=1&m=2", "chroma:http://host:1/a", "chroma:http://host:1/coll?ef-search=0")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StoreUri.parse(uri), uri);
            assertTrue(e.getMessage().startsWith("bad store URI '" + uri + "'"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    @Test
    void theErrorForAnUnknownKindNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StoreUri.parse("redis:x"));

        assertTrue(e.getMessage().endsWith("expected lucene:DIR or chroma:http://HOST:PORT/COLLECTION"), e.getMessage());
    }

    private static Set<StoreCapability> capabilities(StoreUri uri) {
        return Set.copyOf(java.util.Arrays.stream(StoreCapability.values()).filter(uri::has).toList());
    }
}

package dev.imgsearch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.record.RecordIds;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.VectorStores;
import dev.imgsearch.store.chroma.ChromaServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildJobTest {

    @TempDir
    static Path tmp;
    private static SparkSession spark;
    private static ChromaServer chroma;

    @BeforeAll
    static void setUp() {
        spark = SparkSessions.start("build-test", Map.of("spark.master", "local[2]", "spark.ui.enabled", "false"));
        chroma = ChromaServer.start(tmp.resolve("chroma"));
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
        if (chroma != null) {
            chroma.close();
        }
    }

    private void buildIsIdempotentIncrementalAndRemovesWhatIsGone(String store) throws IOException {
        Path embeddings = tmp.resolve("emb-" + Math.abs(store.hashCode()));
        EmbeddingFixtures.writePart(embeddings, "a", 0, 300, "v1");

        BuildReport first = BuildJob.run(spark, embeddings.toString(), store, 64, false);
        assertEquals(300, first.written());
        assertEquals(300, first.count());

        BuildReport again = BuildJob.run(spark, embeddings.toString(), store, 64, false);
        assertEquals(0, again.written());
        assertEquals(300, again.unchanged());
        assertEquals(300, again.count());

        // 50 new images, and 10 existing ones whose bytes changed.
        EmbeddingFixtures.writePart(embeddings, "b", 290, 60, "v2");
        BuildReport grown = BuildJob.run(spark, embeddings.toString(), store, 64, false);
        assertEquals(60, grown.written());
        assertEquals(350, grown.count());
        try (VectorStore opened = VectorStores.open(store)) {
            VectorRecord changed = opened.get(RecordIds.forUri("file:/images/img-295.png")).orElseThrow();
            assertEquals(RecordIds.sha256Hex("file:/images/img-295.pngv2".getBytes()),
                    changed.metadata().get(MetadataSchema.SHA256));
            assertEquals("caption 294", opened.get(RecordIds.forUri("file:/images/img-294.png")).orElseThrow()
                    .metadata().get(MetadataSchema.CAPTION));
        }

        Files.delete(embeddings.resolve("embeddings/part-a.parquet"));
        BuildReport pruned = BuildJob.run(spark, embeddings.toString(), store, 64, true);
        assertEquals(290, pruned.removed());
        assertEquals(60, pruned.count());
    }

    @Test
    void luceneBuild() throws IOException {
        buildIsIdempotentIncrementalAndRemovesWhatIsGone("lucene:" + tmp.resolve("index"));
    }

    @Test
    void chromaBuildFromExecutors() throws IOException {
        buildIsIdempotentIncrementalAndRemovesWhatIsGone(chroma.url().toString().replace("http", "chroma:http")
                + "/build-test");
    }

    @Test
    void chromaKilledAndRestartedDuringTheBuildLosesNothing() throws Exception {
        Path embeddings = tmp.resolve("emb-restart");
        for (int part = 0; part < 8; part++) {
            EmbeddingFixtures.writePart(embeddings, "p" + part, part * 1000, 1000, "v1");
        }
        String store = "chroma:" + chroma.url() + "/restart-test";
        CompletableFuture<BuildReport> build = CompletableFuture.supplyAsync(
                () -> BuildJob.run(spark, embeddings.toString(), store, 100, false));
        try (VectorStore opened = VectorStores.open(store)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (opened.count() < 500 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(opened.count() < 8000, "the build finished before Chroma could be killed");
        }
        chroma.kill();
        Thread.sleep(1500);
        chroma.start();
        BuildReport report = build.get(3, TimeUnit.MINUTES);
        assertEquals(8000, report.count());
        try (VectorStore opened = VectorStores.open(store)) {
            assertEquals(8000, opened.count());
        }
    }
}

package dev.imgsearch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.RecordIds;
import dev.imgsearch.record.RecordParquetWriter;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.VectorStores;
import dev.imgsearch.store.chroma.ChromaServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildJobTest {

    private static final int DIM = 32;

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

    /** Writes {@code count} embedding rows for images {@code first..first+count-1} into one part file. */
    static void writePart(Path output, String part, int first, int count, String imageVersion) throws IOException {
        Random random = new Random(first * 31L + imageVersion.hashCode());
        Path file = output.resolve("embeddings").resolve("part-" + part + ".parquet");
        Files.createDirectories(file.getParent());
        try (RecordParquetWriter writer = RecordParquetWriter.forEmbeddings(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration())) {
            for (int i = first; i < first + count; i++) {
                String uri = "file:/images/img-" + i + ".png";
                float[] v = new float[DIM];
                double norm = 0;
                for (int d = 0; d < DIM; d++) {
                    v[d] = (float) random.nextGaussian();
                    norm += v[d] * v[d];
                }
                for (int d = 0; d < DIM; d++) {
                    v[d] /= (float) Math.sqrt(norm);
                }
                String sha = RecordIds.sha256Hex((uri + imageVersion).getBytes());
                writer.write(new EmbeddingRecord(RecordIds.forUri(uri), uri, 64, 48, sha, "test-model", v,
                        i % 2 == 0 ? "caption " + i : null));
            }
        }
    }

    private void buildIsIdempotentIncrementalAndRemovesWhatIsGone(String store) throws IOException {
        Path embeddings = tmp.resolve("emb-" + Math.abs(store.hashCode()));
        writePart(embeddings, "a", 0, 300, "v1");

        BuildReport first = BuildJob.run(spark, embeddings.toString(), store, 64, false);
        assertEquals(300, first.written());
        assertEquals(300, first.count());

        BuildReport again = BuildJob.run(spark, embeddings.toString(), store, 64, false);
        assertEquals(0, again.written());
        assertEquals(300, again.unchanged());
        assertEquals(300, again.count());

        // 50 new images, and 10 existing ones whose bytes changed.
        writePart(embeddings, "b", 290, 60, "v2");
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
            writePart(embeddings, "p" + part, part * 1000, 1000, "v1");
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

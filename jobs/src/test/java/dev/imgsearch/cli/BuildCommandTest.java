package dev.imgsearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.jobs.EmbeddingFixtures;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The build command's failures: one line on stderr, exit code 1, and nothing half-written left behind. */
class BuildCommandTest {

    @TempDir
    static Path tmp;
    private static Path embeddings;

    @BeforeAll
    static void writeEmbeddings() throws Exception {
        embeddings = tmp.resolve("embeddings-out");
        EmbeddingFixtures.writePart(embeddings, "a", 0, 20, "v1");
    }

    private static String[] build(String store) {
        return new String[] {"build", "--embeddings", embeddings.toString(), "--store", store,
            "--master", "local[1]", "--conf", "spark.ui.enabled=false"};
    }

    private static String failsWithOneLine(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        assertEquals(1, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        return err.toString().strip();
    }

    @Test
    void wrongDimensionIsRefusedAndTheStoreKeepsItsRecords() {
        Path index = tmp.resolve("dim-index");
        try (VectorStore store = StoreUri.parse("lucene:" + index).open(OpenMode.CREATE_OR_WRITE)) {
            store.upsert(List.of(new VectorRecord("x", new float[] {1, 0, 0}, Map.of())));
        }
        String err = failsWithOneLine(build("lucene:" + index));
        assertTrue(err.contains("dimension"), err);
        try (VectorStore store = StoreUri.parse("lucene:" + index).open(OpenMode.CREATE_OR_WRITE)) {
            assertEquals(1, store.count());
        }
    }

    @Test
    void unreachableChromaIsAClearError() {
        String err = failsWithOneLine(build("chroma:http://127.0.0.1:9/unreachable"));
        assertTrue(err.contains("127.0.0.1:9"), err);
    }

    @Test
    void corruptLuceneDirectoryIsAClearError() throws Exception {
        Path index = tmp.resolve("corrupt-index");
        try (VectorStore store = StoreUri.parse("lucene:" + index).open(OpenMode.CREATE_OR_WRITE)) {
            store.upsert(List.of(new VectorRecord("x", new float[32], Map.of("uri", "file:/x"))));
        } catch (IllegalArgumentException zeroVector) {
            // a zero vector is refused; an empty committed index is all this test needs
        }
        try (var files = Files.list(index)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("segments")).toList()) {
                Files.write(f, new byte[] {1, 2, 3, 4});
            }
        }
        String err = failsWithOneLine(build("lucene:" + index));
        assertTrue(err.toLowerCase().contains("lucene") || err.toLowerCase().contains("index"), err);
    }

    @Test
    void aTruncatedPartIsOneLineNamingTheFileAndLeavesNoStore() throws Exception {
        Path torn = tmp.resolve("torn-out");
        EmbeddingFixtures.writePart(torn, "whole", 0, 20, "v1");
        EmbeddingFixtures.writePart(torn, "torn", 20, 20, "v1");
        Path part = torn.resolve("embeddings/part-torn.parquet");
        byte[] bytes = Files.readAllBytes(part);
        Files.write(part, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        Path index = tmp.resolve("torn-index");

        String err = failsWithOneLine("build", "--embeddings", torn.toString(), "--store", "lucene:" + index,
                "--master", "local[1]", "--conf", "spark.ui.enabled=false");

        assertTrue(err.startsWith("imgsearch: error: cannot read ") && err.contains(part.getFileName().toString()), err);
        assertFalse(Files.exists(index), "a failed build must leave no half-built store");
    }

    @Test
    void removeMissingFromAPartialInputExitsOneAndChangesNothing() throws Exception {
        Path index = tmp.resolve("partial-index");
        Path partial = tmp.resolve("partial-out");
        EmbeddingFixtures.writePart(partial, "a", 0, 5, "v1");
        assertEquals(0, Main.commandLine().execute(build("lucene:" + index)));

        String err = failsWithOneLine("build", "--embeddings", partial.toString(), "--store", "lucene:" + index,
                "--remove-missing", "--master", "local[1]", "--conf", "spark.ui.enabled=false");

        assertTrue(err.contains("would remove 15 of the 20 records") && err.contains("--force"), err);
        try (VectorStore store = StoreUri.parse("lucene:" + index).open(OpenMode.READ_ONLY)) {
            assertEquals(20, store.count());
        }
    }

    @Test
    void forceWithoutRemoveMissingAndAMalformedStoreAreUsageErrors() {
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine().setErr(new PrintWriter(err, true));

        assertEquals(2, cmd.execute("build", "--embeddings", embeddings.toString(), "--store", "lucene:/x", "--force"));
        assertTrue(err.toString().contains("--force only applies to --remove-missing"), err.toString());
        assertEquals(2, cmd.execute("build", "--embeddings", embeddings.toString(), "--store", "lucene:/x?m=many"));
        assertTrue(err.toString().contains("bad store URI 'lucene:/x?m=many'"), err.toString());
    }

    @Test
    void missingEmbeddingsIsAClearError() {
        String err = failsWithOneLine("build", "--embeddings", tmp.resolve("nothing-here").toString(), "--store",
                "lucene:" + tmp.resolve("never-made"), "--master", "local[1]");
        assertTrue(err.contains("no embeddings at"), err);
        assertTrue(!Files.exists(tmp.resolve("never-made")), "a failed build must not leave a new index behind");
    }
}

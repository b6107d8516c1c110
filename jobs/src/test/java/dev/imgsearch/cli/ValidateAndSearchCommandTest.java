package dev.imgsearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.embed.EmbedOutputFixtures;
import dev.imgsearch.embed.Provenance;
import dev.imgsearch.jobs.BuildJob;
import dev.imgsearch.jobs.EmbedJob;
import dev.imgsearch.jobs.EmbedSettings;
import dev.imgsearch.jobs.SparkSessions;
import dev.imgsearch.jobs.TestPaths;
import dev.imgsearch.embed.Embeddings;
import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.store.StoreUri;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** validate and search over a store built from the sample images with the tiny model. */
class ValidateAndSearchCommandTest {

    @TempDir
    static Path tmp;
    private static String embeddings;
    private static String store;
    private static String anId;

    @BeforeAll
    static void buildStore() throws Exception {
        embeddings = tmp.resolve("out").toString();
        store = "lucene:" + tmp.resolve("index");
        SparkSession spark = SparkSessions.start("validate-test",
                Map.of("spark.master", "local[2]", "spark.ui.enabled", "false"));
        try {
            EmbedJob.run(spark, EmbedSettings.builder(TestPaths.SAMPLE_IMAGES.toString(), embeddings)
                    .model(TestPaths.TINY_MODEL.toString()).batchSize(8).shardSize(8).build());
            BuildJob.run(spark, embeddings, StoreUri.parse(store), 100, BuildJob.Removal.KEEP);
        } finally {
            spark.stop();
        }
        anId = Embeddings.at(embeddings, new Configuration()).read().next().id();
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return new Result(cmd.execute(args), out.toString(), err.toString());
    }

    @Test
    void validatePassesOnAFaithfulStore() {
        Result r = run("validate", "--store", store, "--embeddings", embeddings, "-k", "5");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().matches("(?s).*self-retrieval\\s+1\\.0000.*"), r.out());
        assertTrue(r.out().matches("(?s).*recall@5\\s+1\\.0000.*"), r.out());
    }

    @Test
    void validateFailsBelowItsThreshold() {
        Result r = run("validate", "--store", store, "--embeddings", embeddings, "--min-recall", "1.01");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("FAIL"), r.out());
    }

    @Test
    void textSearchPrintsKResults() {
        Result r = run("search", "a red car", "--store", store, "--model", TestPaths.TINY_MODEL.toString(), "-k", "3");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        lines.forEach(line -> assertTrue(line.startsWith("* ") && line.contains("file:") && line.contains("similarity="),
                line));
    }

    @Test
    void searchByIdLeavesTheRecordItselfOut() {
        Result r = run("search", "--id", anId, "--store", store, "-k", "19");
        assertEquals(0, r.code(), r.err());
        assertEquals(19, r.out().lines().count(), r.out());
        assertTrue(!r.out().contains(anId), r.out());
    }

    @Test
    void imageSearchFindsTheImageItselfFirst() {
        Path image = TestPaths.SAMPLE_IMAGES.resolve("office/calculator.png");
        Result r = run("search", "--image", image.toString(), "--store", store, "--model",
                TestPaths.TINY_MODEL.toString(), "-k", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("calculator.png") && r.out().contains("similarity=1.0000"), r.out());
    }

    @Test
    void aSearchOnAMissingStoreIsOneLineCreatesNothingAndLoadsNoModel() {
        Path typo = tmp.resolve("missing");
        Result r = run("search", "a red car", "--store", "lucene:" + typo.resolve("idx"), "--model",
                tmp.resolve("no-such-model").toString());

        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals("imgsearch: error: no Lucene index at " + typo.resolve("idx")
                + ": the directory does not exist", r.err().strip(), "the store is checked before the model");
        assertEquals("", r.out());
        assertFalse(Files.exists(typo), "a search must not create a store");
    }

    @Test
    void validateOnAMissingStoreIsOneLineAndCreatesNothing() {
        Path typo = tmp.resolve("missing-too");
        Result r = run("validate", "--store", "lucene:" + typo, "--embeddings", embeddings);

        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals("imgsearch: error: no Lucene index at " + typo + ": the directory does not exist",
                r.err().strip());
        assertFalse(Files.exists(typo));
    }

    @Test
    void aSearchWithAnotherModelThanTheStoresIsRefusedUnlessAllowed() throws Exception {
        Path other = copyOfTheTinyModelNamed("another-tiny-clip");

        Result refused = run("search", "a red car", "--store", store, "--model", other.toString(), "-k", "3");
        Result allowed = run("search", "a red car", "--store", store, "--model", other.toString(), "-k", "3",
                "--allow-other-model");

        assertEquals(1, refused.code(), refused.out() + refused.err());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.err().contains(store + " holds embeddings of model tiny-clip-test (sha256 ")
                && refused.err().contains("not of another-tiny-clip (sha256 ")
                && refused.err().strip().endsWith("use the model it was built with, or pass --allow-other-model"),
                refused.err());
        assertEquals(0, allowed.code(), allowed.err());
        assertEquals(3, allowed.out().lines().count(), allowed.out());
    }

    @Test
    void validateRefusesEmbeddingsOfAnotherModelThanTheStoresUnlessAllowed() throws Exception {
        Path output = tmp.resolve("other-model-out");
        ModelIdentity other = new ModelIdentity("other", "cd".repeat(32));
        EmbedOutputFixtures.commitShard(output, "00000-aa", 3, new Provenance(other, "pre", 8));

        Result r = run("validate", "--store", store, "--embeddings", output.toString());

        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("not of " + other + ": use the model it was built with"), r.err());
        assertEquals("", r.out());
    }

    /** The tiny model's files under another name: the same weights, another identity. */
    private static Path copyOfTheTinyModelNamed(String name) throws IOException {
        Path copy = tmp.resolve(name);
        Files.createDirectories(copy);
        try (var files = Files.list(TestPaths.TINY_MODEL)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        Path descriptor = copy.resolve("imgsearch-model.json");
        Files.writeString(descriptor, Files.readString(descriptor).replace("tiny-clip-test", name));
        return copy;
    }

    @Test
    void interactivePromptAnswersEachLineUntilQuit() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(("id:" + anId + "\nid:no-such-id\nquit\n")
                    .getBytes(StandardCharsets.UTF_8)));
            Result r = run("search", "--store", store, "-k", "2");
            assertEquals(0, r.code(), r.err());
            assertEquals(3, r.out().split("> ", -1).length - 1, "three prompts: " + r.out());
            assertEquals(2, r.out().lines().filter(l -> l.contains("similarity=")).count(), r.out());
            assertTrue(r.out().contains("error: no record with id 'no-such-id'"), r.out());
        } finally {
            System.setIn(stdin);
        }
    }
}

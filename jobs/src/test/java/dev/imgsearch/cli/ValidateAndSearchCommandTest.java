package dev.imgsearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.jobs.BuildJob;
import dev.imgsearch.jobs.EmbedJob;
import dev.imgsearch.jobs.EmbedSettings;
import dev.imgsearch.jobs.SparkSessions;
import dev.imgsearch.jobs.TestPaths;
import dev.imgsearch.embed.Embeddings;
import dev.imgsearch.source.SourceOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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
            BuildJob.run(spark, embeddings, store, 100, false);
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

package dev.imgsearch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.FailedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged spark-submit jar, run through Spark's real spark-submit code path, in local mode and on a standalone
 * cluster on loopback; a worker and the driver are SIGKILLed mid-job and the output stays exactly-once, with no
 * staging file of a killed attempt left behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterIT {

    private static final Path JAR = Path.of("target/imgsearch/imgsearch-spark.jar").toAbsolutePath();
    private static final int IMAGES = 240;
    private static final int BROKEN = 5;
    private static final int SHARD_SIZE = 8;

    @TempDir
    static Path tmp;
    private static Path input;
    private static LocalSparkCluster cluster;

    @BeforeAll
    static void setUp() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run `mvn verify`: the packaged jar is missing: " + JAR);
        input = tmp.resolve("input");
        SyntheticImages.write(input.resolve("synthetic"), IMAGES, 640);
        BrokenImages.writeInto(input.resolve("broken"), input.resolve("synthetic/img-0000.png"));
        // Outside the @TempDir: its jars/ links point into the Maven repository, which JUnit warns about on cleanup.
        cluster = LocalSparkCluster.start(Files.createTempDirectory(Files.createDirectories(Path.of("target")), "it-cluster"),
                2);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Process submit(String name, String master, Path output) throws IOException {
        return cluster.java(name, "org.apache.spark.deploy.SparkSubmit",
                "--master", master,
                "--class", "dev.imgsearch.cli.Main",
                "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.executor.memory=1g",
                JAR.toString(),
                "embed", "--input", input.toString(), "--output", output.toString(),
                "--model", TestPaths.TINY_MODEL.toString(), "--shard-size", String.valueOf(SHARD_SIZE),
                "--batch-size", "8");
    }

    private void awaitSuccess(Process process, String name) throws Exception {
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), name + " did not finish:\n" + cluster.log(name));
        assertEquals(0, process.exitValue(), name + " failed:\n" + cluster.log(name));
    }

    @Test
    @Order(1)
    void sparkSubmitInLocalMode() throws Exception {
        Path output = tmp.resolve("local");
        awaitSuccess(submit("submit-local", "local[2]", output), "submit-local");
        assertExactlyOnce(output);
    }

    @Test
    @Order(2)
    void driverKilledMidJobThenRerunRecomputesOnlyUnfinishedShards() throws Exception {
        Path output = tmp.resolve("driver-kill");
        Process driver = submit("driver-1", cluster.masterUrl(), output);
        int committedAtKill = awaitCommitted(output, 2, driver, "driver-1");
        driver.descendants().forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly().waitFor();
        int committedAfterKill = committed(output);
        assertTrue(committedAfterKill < totalShards(), "the job finished before it could be killed");

        awaitSuccess(submit("driver-2", cluster.masterUrl(), output), "driver-2");
        RunReport report = RunReport.read(output.resolve("run-report.json"));
        assertTrue(report.shardsSkipped() >= committedAtKill, report.toString());
        assertEquals(totalShards() - report.shardsSkipped(), report.shardsRun());
        assertExactlyOnce(output);
    }

    @Test
    @Order(3)
    void workerKilledMidJobTheJobStillCompletesExactlyOnce() throws Exception {
        Path output = tmp.resolve("worker-kill");
        Process driver = submit("driver-3", cluster.masterUrl(), output);
        awaitCommitted(output, 2, driver, "driver-3");
        cluster.killWorker(0);
        assertTrue(committed(output) < totalShards(), "the job finished before the worker could be killed");
        awaitSuccess(driver, "driver-3");
        assertExactlyOnce(output);
    }

    private static String listing(Path output) {
        try (Stream<Path> files = Files.walk(output)) {
            return files.map(p -> output.relativize(p) + (Files.isRegularFile(p) ? " " + p.toFile().length() : ""))
                    .sorted().toList().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int totalShards() {
        return (IMAGES + BROKEN + SHARD_SIZE - 1) / SHARD_SIZE;
    }

    private int awaitCommitted(Path output, int atLeast, Process driver, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            int n = committed(output);
            if (n >= atLeast) {
                return n;
            }
            assertTrue(driver.isAlive(), "the job ended early:\n" + cluster.log(name));
            Thread.sleep(50);
        }
        throw new AssertionError("no shard was committed in time");
    }

    private static int committed(Path output) throws IOException {
        Path dir = output.resolve("_committed");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(p -> p.toString().endsWith(".json")).count();
        }
    }

    private static void assertExactlyOnce(Path output) throws IOException {
        List<EmbeddingRecord> rows = EmbedJobTest.readEmbeddings(output);
        List<FailedImage> errors = EmbedJobTest.readErrors(output);
        List<String> uris = new ArrayList<>();
        rows.forEach(r -> uris.add(r.uri()));
        errors.forEach(e -> uris.add(e.uri()));
        Set<String> unique = new HashSet<>(uris);
        assertEquals(uris.size(), unique.size(), "an input appears twice");
        assertEquals(IMAGES, rows.size(), () -> "output listing: " + listing(output));
        assertEquals(BROKEN, errors.size(), () -> "output listing: " + listing(output));
        assertEquals(totalShards(), committed(output));
        try (Stream<Path> files = Files.walk(output)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                    "staging files of killed attempts are cleaned up");
        }
    }
}

package dev.imgsearch.jobs;

import static dev.imgsearch.embed.EmbedOutputFixtures.committedShards;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.cli.Main;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.FailedImage;
import dev.imgsearch.source.MotoServer;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorStore;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The packaged spark-submit jar of the Spark line this build is for (4.1 by default; 3.5 with the spark-3.5 and
 * scala-2.12 profiles, see .ci/run), run through Spark's real spark-submit code path, in local mode and on a
 * standalone cluster on loopback whose jars are that Spark's; a worker and the driver are SIGKILLed mid-job and the
 * output stays exactly-once, with no staging file of a killed attempt left behind; both workers build a sharded store,
 * and a build SIGKILLed mid-way is completed exactly once by its re-run. The first test is the one small
 * job every line runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterIT {

    private static final Path JAR = TestPaths.SPARK_SUBMIT_JAR;
    private static final int IMAGES = 240;
    private static final int BROKEN = 5;
    private static final int SHARD_SIZE = 8;
    private static final String CREDENTIALS_PROVIDER = "spark.hadoop.fs.s3a.aws.credentials.provider";

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
        return submit(name, master, List.of(), "embed", "--input", input.toString(), "--output", output.toString(),
                "--model", TestPaths.TINY_MODEL.toString(), "--shard-size", String.valueOf(SHARD_SIZE),
                "--batch-size", "8");
    }

    private Process submit(String name, String master, List<String> conf, String... imgsearchArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("--master", master,
                "--class", "dev.imgsearch.cli.Main",
                "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.executor.memory=1g",
                "--conf", "spark.executor.extraJavaOptions=" + SparkJvm.VECTOR_API));
        args.addAll(conf);
        args.add(JAR.toString());
        args.addAll(List.of(imgsearchArgs));
        return cluster.java(name, "org.apache.spark.deploy.SparkSubmit", args.toArray(String[]::new));
    }

    private String submitAndAwait(String name, List<String> conf, String... imgsearchArgs) throws Exception {
        awaitSuccess(submit(name, cluster.masterUrl(), conf, imgsearchArgs), name);
        return cluster.log(name);
    }

    private void awaitSuccess(Process process, String name) throws Exception {
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), name + " did not finish:\n" + cluster.log(name));
        assertEquals(0, process.exitValue(), name + " failed:\n" + cluster.log(name));
    }

    /**
     * The sample images on S3 (a real S3 API server, through the s3a and AWS SDK versions this line bundles, with
     * the credentials chain of config/spark-cluster.conf), embedded and built into a Lucene store on the cluster;
     * re-runs of both write nothing new.
     */
    @Test
    @Order(0)
    void embedsImagesFromS3AndBuildsAStoreOnTheCluster() throws Exception {
        List<Path> images;
        try (Stream<Path> files = Files.walk(TestPaths.SAMPLE_IMAGES)) {
            images = files.filter(f -> f.toString().matches(".*\\.(png|jpg)")).toList();
        }
        Path output = tmp.resolve("from-s3");
        String store = "lucene:" + tmp.resolve("index");
        try (MotoServer moto = MotoServer.start(); S3Client s3 = S3Client.builder()
                .endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
            s3.createBucket(b -> b.bucket("photos"));
            for (Path image : images) {
                String key = "samples/" + TestPaths.SAMPLE_IMAGES.relativize(image);
                s3.putObject(b -> b.bucket("photos").key(key), RequestBody.fromFile(image));
            }
            List<String> conf = new ArrayList<>();
            moto.s3aConf().forEach((key, value) -> {
                if (!CREDENTIALS_PROVIDER.equals("spark.hadoop." + key)) {
                    conf.addAll(List.of("--conf", "spark.hadoop." + key + "=" + value));
                }
            });
            conf.addAll(List.of("--conf", CREDENTIALS_PROVIDER + "=" + clusterProfile().getProperty(CREDENTIALS_PROVIDER)));
            String[] embed = {"embed", "--input", "s3a://photos/samples", "--output", output.toString(),
                "--model", TestPaths.TINY_MODEL.toString()};

            String embedded = submitAndAwait("small-embed", conf, embed);
            assertTrue(embedded.contains("embedded " + images.size() + ", failed 0"), embedded);
            String again = submitAndAwait("small-embed-again", conf, embed);
            assertTrue(again.contains("embedded 0, failed 0, skipped " + images.size()), again);
        }
        String built = submitAndAwait("small-build", List.of(), "build", "--embeddings", output.toString(),
                "--store", store);
        assertTrue(built.contains(images.size() + " written, 0 unchanged, 0 removed, " + images.size() + " records"),
                built);
        String rebuilt = submitAndAwait("small-build-again", List.of(), "build", "--embeddings", output.toString(),
                "--store", store);
        assertTrue(rebuilt.contains("0 written, " + images.size() + " unchanged"), rebuilt);
    }

    /** The s3a settings of the profile for CPU clusters; a line whose s3a cannot load them fails the test above. */
    private static Properties clusterProfile() throws IOException {
        Properties profile = new Properties();
        try (Reader in = Files.newBufferedReader(TestPaths.REPO.resolve("config/spark-cluster.conf"))) {
            profile.load(in);
        }
        return profile;
    }

    @Test
    @Order(1)
    void sparkSubmitInLocalMode() throws Exception {
        Path output = tmp.resolve("local");
        awaitSuccess(submit("submit-local", "local[2]", output), "submit-local");
        assertExactlyOnce(output);
    }

    /**
     * Both workers build a two-shard Lucene store into one directory (a shared one, as every executor reaches it at
     * the same path); the build is SIGKILLed while its tasks write, which leaves no store (or, if it had just published, a whole
     * one), and the re-run builds it
     * whole: every record once, nothing of the killed attempt left, and {@code validate} passes.
     */
    @Test
    @Order(2)
    void aShardedBuildKilledMidWayThenRerunHoldsEveryRecordOnce() throws Exception {
        Path embeddings = tmp.resolve("local");
        Path dir = tmp.resolve("sharded-index");
        String store = "lucene:" + dir + "?shards=2";
        Process killed = submit("build-killed", cluster.masterUrl(), List.of(), "build", "--embeddings",
                embeddings.toString(), "--store", store);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.isDirectory(dir.resolve("shards")) && System.nanoTime() < deadline) {
            assertTrue(killed.isAlive(), "the build ended before its tasks wrote:\n" + cluster.log("build-killed"));
            Thread.sleep(20);
        }
        killed.descendants().forEach(ProcessHandle::destroyForcibly);
        killed.destroyForcibly().waitFor();
        if (StoreUri.parse(store).exists()) {
            try (VectorStore opened = StoreUri.parse(store).open(OpenMode.READ_ONLY)) {
                assertEquals(IMAGES, opened.count(), "a killed build leaves no store, or the whole of it");
            }
        }

        String built = submitAndAwait("build-rerun", List.of(), "build", "--embeddings", embeddings.toString(),
                "--store", store);
        assertTrue(built.contains(IMAGES + " records"), built);
        try (VectorStore opened = StoreUri.parse(store).open(OpenMode.READ_ONLY)) {
            Set<String> ids = new HashSet<>();
            opened.forEachRecord(MetadataSchema.SHA256, (id, sha256) -> assertTrue(ids.add(id), "twice: " + id));
            assertEquals(IMAGES, ids.size());
            assertEquals(IMAGES, opened.count());
        }
        try (Stream<Path> shards = Files.list(dir.resolve("shards"))) {
            assertEquals(2, shards.count(), "only the two published shards are left");
        }
        assertEquals(0, Main.run("validate", "--store", store, "--embeddings", embeddings.toString()),
                "validate fails (its table is on stdout)");
    }

    @Test
    @Order(3)
    void driverKilledMidJobThenRerunRecomputesOnlyUnfinishedShards() throws Exception {
        Path output = tmp.resolve("driver-kill");
        Process driver = submit("driver-1", cluster.masterUrl(), output);
        int committedAtKill = awaitCommitted(output, 2, driver, "driver-1");
        driver.descendants().forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly().waitFor();
        int committedAfterKill = committedShards(output);
        assertTrue(committedAfterKill < totalShards(), "the job finished before it could be killed");

        awaitSuccess(submit("driver-2", cluster.masterUrl(), output), "driver-2");
        RunReport report = RunReport.read(output.resolve("run-report.json"));
        assertTrue(report.shardsSkipped() >= committedAtKill, report.toString());
        assertEquals(totalShards() - report.shardsSkipped(), report.shardsRun());
        assertExactlyOnce(output);
    }

    @Test
    @Order(4)
    void workerKilledMidJobTheJobStillCompletesExactlyOnce() throws Exception {
        Path output = tmp.resolve("worker-kill");
        Process driver = submit("driver-3", cluster.masterUrl(), output);
        awaitCommitted(output, 2, driver, "driver-3");
        cluster.killWorker(0);
        assertTrue(committedShards(output) < totalShards(), "the job finished before the worker could be killed");
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
            int n = committedShards(output);
            if (n >= atLeast) {
                return n;
            }
            assertTrue(driver.isAlive(), "the job ended early:\n" + cluster.log(name));
            Thread.sleep(50);
        }
        throw new AssertionError("no shard was committed in time");
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
        assertEquals(totalShards(), committedShards(output));
        try (Stream<Path> files = Files.walk(output)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                    "staging files of killed attempts are cleaned up");
        }
    }
}

package dev.imgsearch.jobs;

import static dev.imgsearch.embed.EmbedOutputFixtures.committedShards;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.FailedImage;
import dev.imgsearch.source.tar.TarFixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embed job over WebDataset tar shards: a torn shard among whole ones, skipped files counted in the run report,
 * re-runs adding nothing, and a driver SIGKILLed mid-job whose re-run leaves every sample exactly once.
 */
class EmbedTarJobTest {

    private static final int SHARDS = 10;
    private static SparkSession spark;
    private static List<byte[]> images;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void setUp() throws IOException {
        spark = SparkSessions.start("embed-tar-test", Map.of("spark.master", "local[2]", "spark.ui.enabled", "false"));
        images = new ArrayList<>();
        try (Stream<Path> files = Files.walk(TestPaths.SAMPLE_IMAGES)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                images.add(Files.readAllBytes(f));
            }
        }
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    /** {@code shards} tars of two samples each (image and caption), plus the files img2dataset writes beside them. */
    private static Path shards(String name, int shards) throws IOException {
        Path dir = tmp.resolve(name);
        for (int s = 0; s < shards; s++) {
            TarFixtures.Members members = TarFixtures.members();
            for (int k = 0; k < 2; k++) {
                int i = (2 * s + k) % images.size();
                String key = String.format("%05d%04d", s, k);
                members.add(key + ".jpg", images.get(i)).add(key + ".txt", "sample " + i);
            }
            TarFixtures.write(dir.resolve(String.format("%05d.tar", s)), members);
            Files.writeString(dir.resolve(String.format("%05d_stats.json", s)), "{}");
        }
        return dir;
    }

    private static EmbedSettings settings(Path input, Path output) {
        return EmbedSettings.builder(input.toString(), output.toString()).model(TestPaths.TINY_MODEL.toString())
                .batchSize(4).build();
    }

    @Test
    void aFolderOfShardsIsEmbeddedWithTheTornOneRecordedAndAReRunAddsNothing() throws IOException {
        Path input = shards("folder", 3);
        Path torn = input.resolve("00002.tar");
        try (RandomAccessFile file = new RandomAccessFile(torn.toFile(), "rw")) {
            // a header and the image padded to whole 512-byte records, then 2 bytes into the caption's data
            file.setLength(512 + (images.get(4).length + 511) / 512 * 512 + 512 + 2);
        }
        Path output = tmp.resolve("out-folder");

        RunReport first = EmbedJob.run(spark, settings(input, output));
        RunReport second = EmbedJob.run(spark, settings(input, output));

        List<EmbeddingRecord> rows = EmbedJobTest.readEmbeddings(output);
        List<FailedImage> errors = EmbedJobTest.readErrors(output);
        assertEquals(4, rows.size());
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).uri().endsWith("00002.tar#000020000.txt"), errors.get(0).uri());
        assertTrue(errors.get(0).reason().startsWith("torn or corrupt tar"), errors.get(0).reason());
        assertTrue(rows.stream().allMatch(r -> r.sourceOffset() != null && r.caption().startsWith("sample ")));
        assertEquals(Map.of("not tar shards", 3L), first.skippedFiles());
        assertEquals(3, first.shardsRun());
        assertEquals(0, second.shardsRun());
        assertEquals(4, second.embedded());
    }

    @Test
    void aDriverKilledMidJobThenReRunLeavesEverySampleExactlyOnce() throws Exception {
        Path input = shards("kill", SHARDS);
        Path output = tmp.resolve("out-kill");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(SparkJvm.OPENS));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.imgsearch.cli.Main", "embed",
                "--input", input.toString(), "--output", output.toString(), "--model", TestPaths.TINY_MODEL.toString(),
                "--batch-size", "1", "--master", "local[1]", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1"));
        Path log = tmp.resolve("kill.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().put("DJL_OFFLINE", "true");
        Process driver = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (committedShards(output) < 2) {
                assertTrue(driver.isAlive(), () -> "the job ended before it could be killed: " + read(log));
                assertTrue(System.nanoTime() < deadline, () -> "no shard committed in time: " + read(log));
                Thread.sleep(50);
            }
        } finally {
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroyForcibly().waitFor();
        }
        int atKill = committedShards(output);
        assertTrue(atKill < SHARDS, "the job finished before it could be killed");

        RunReport rerun = EmbedJob.run(spark, settings(input, output));

        assertEquals(SHARDS - rerun.shardsSkipped(), rerun.shardsRun());
        assertTrue(rerun.shardsSkipped() >= atKill, rerun.toString());
        List<String> uris = new ArrayList<>();
        EmbedJobTest.readEmbeddings(output).forEach(r -> uris.add(r.uri()));
        EmbedJobTest.readErrors(output).forEach(e -> uris.add(e.uri()));
        assertEquals(2 * SHARDS, uris.size(), "every sample once, none lost");
        assertEquals(uris.size(), new HashSet<>(uris).size(), "no sample twice");
        assertEquals(SHARDS, committedShards(output));
    }


    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}

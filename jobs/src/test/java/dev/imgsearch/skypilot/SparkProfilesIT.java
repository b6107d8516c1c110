package dev.imgsearch.skypilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.jobs.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local profile drives a real embed run of the packaged CLI (the cluster profile does in SparkClusterScriptIT):
 * a profile setting that breaks jobs, like a serializer that cannot write the shards, fails here.
 */
class SparkProfilesIT {

    private static final Path JAR = Path.of("target/imgsearch/imgsearch.jar").toAbsolutePath();

    @TempDir
    Path tmp;

    @Test
    void theLocalProfileEmbedsTheSampleImages() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run `mvn verify`: the packaged jar is missing: " + JAR);
        Path log = tmp.resolve("embed.log");
        Process embed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "embed", "--input", TestPaths.SAMPLE_IMAGES.toString(),
                "--output", tmp.resolve("out").toString(), "--model", TestPaths.TINY_MODEL.toString(),
                "--properties-file", TestPaths.REPO.resolve("config/spark-local.conf").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(embed.waitFor(5, TimeUnit.MINUTES), Files.readString(log));
        assertEquals(0, embed.exitValue(), Files.readString(log));
        long images;
        try (Stream<Path> files = Files.walk(TestPaths.SAMPLE_IMAGES)) {
            images = files.filter(f -> f.toString().matches(".*\\.(png|jpg)")).count();
        }
        assertTrue(Files.readString(log).contains("embedded " + images + ", failed 0"), Files.readString(log));
    }
}

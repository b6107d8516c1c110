package dev.imgsearch.skypilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.jobs.TestPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skypilot/install.sh against local stand-ins for what it downloads (file:// URLs for the release, the Spark
 * distribution, a Maven repository and libtorch), installing into a temporary folder.
 */
class InstallScriptTest {

    private static final String SPARK = "4.1.3";
    private static final String RAPIDS = "26.08.1";

    @TempDir
    Path tmp;
    private Path opt;
    private Path rapidsJar;

    private record Run(int exitCode, String output) {
    }

    @BeforeEach
    void serveDownloads() throws Exception {
        opt = tmp.resolve("opt");
        Files.writeString(tmp.resolve("imgsearch-spark.jar"), "release");
        Path spark = Files.createDirectories(tmp.resolve("dist/spark-" + SPARK + "-bin-hadoop3/jars"));
        Files.writeString(spark.getParent().resolve("RELEASE"), "Spark " + SPARK + " (git revision 0) built for Hadoop 3.4.2\n");
        Files.writeString(spark.resolve("spark-core_2.13-" + SPARK + ".jar"), "jar");
        assertEquals(0, new ProcessBuilder("tar", "-czf", tmp.resolve("spark.tgz").toString(), "-C",
                tmp.resolve("dist").toString(), "spark-" + SPARK + "-bin-hadoop3").inheritIO().start().waitFor());
        rapidsJar = Files.createDirectories(tmp.resolve("maven/com/nvidia/rapids-4-spark_2.13/" + RAPIDS))
                .resolve("rapids-4-spark_2.13-" + RAPIDS + ".jar");
        Files.writeString(rapidsJar, "rapids");
        Files.writeString(Path.of(rapidsJar + ".sha1"), HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(rapidsJar))));
        try (OutputStream file = Files.newOutputStream(tmp.resolve("libtorch.zip"));
                ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("libtorch/lib/libtorch_cuda.so"));
            zip.write("cuda".getBytes());
            zip.closeEntry();
        }
    }

    private Run install(Map<String, String> changes, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", TestPaths.REPO.resolve("skypilot/install.sh").toString());
        builder.command().addAll(List.of(args));
        builder.redirectErrorStream(true).redirectOutput(tmp.resolve("install.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("RELEASE_URL", tmp.resolve("imgsearch-spark.jar").toUri().toString());
        env.put("SPARK_VERSION", SPARK);
        env.put("SPARK_URL", tmp.resolve("spark.tgz").toUri().toString());
        env.put("RAPIDS_VERSION", RAPIDS);
        env.put("MAVEN_REPO", tmp.resolve("maven").toUri().toString());
        env.put("LIBTORCH_URL", tmp.resolve("libtorch.zip").toUri().toString());
        env.put("IMGSEARCH_HOME", opt.resolve("imgsearch").toString());
        env.put("SPARK_HOME", opt.resolve("spark").toString());
        env.put("LIBTORCH_HOME", opt.resolve("libtorch").toString());
        changes.forEach((key, value) -> {
            if (value == null) {
                env.remove(key);
            } else {
                env.put(key, value);
            }
        });
        Process process = builder.start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES));
        return new Run(process.exitValue(), Files.readString(tmp.resolve("install.log")));
    }

    @Test
    void installsTheGpuPartsWhereTheProfilesLookThenKeepsThemOnTheNextRun() throws Exception {
        Run first = install(Map.of(), "--gpu");
        assertEquals(0, first.exitCode(), first.output());
        assertEquals("release", Files.readString(opt.resolve("imgsearch/imgsearch-spark.jar")));
        assertEquals("rapids", Files.readString(opt.resolve("imgsearch/rapids-4-spark_2.13-" + RAPIDS + ".jar")));
        assertTrue(Files.isRegularFile(opt.resolve("spark/jars/spark-core_2.13-" + SPARK + ".jar")));
        assertTrue(Files.isRegularFile(opt.resolve("libtorch/lib/libtorch_cuda.so")));
        assertTrue(Files.isExecutable(opt.resolve("imgsearch/getGpusResources.sh")));

        Files.writeString(tmp.resolve("imgsearch-spark.jar"), "release 2");
        Run second = install(Map.of(), "--gpu");
        assertEquals(0, second.exitCode(), second.output());
        assertEquals("release 2", Files.readString(opt.resolve("imgsearch/imgsearch-spark.jar")),
                "the release is fetched again");
        assertFalse(second.output().contains("spark.tgz") || second.output().contains("rapids-4-spark")
                || second.output().contains("libtorch.zip"), "downloaded again:\n" + second.output());
    }

    @Test
    void withoutGpuOnlyTheReleaseAndSparkAreInstalled() throws Exception {
        Run run = install(Map.of());
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(Files.isRegularFile(opt.resolve("spark/RELEASE")));
        assertFalse(Files.exists(opt.resolve("libtorch")));
        assertFalse(Files.exists(opt.resolve("imgsearch/getGpusResources.sh")));
    }

    @Test
    void anotherSparkVersionIsInstalledOverTheOldOne() throws Exception {
        assertEquals(0, install(Map.of()).exitCode());
        Files.writeString(opt.resolve("spark/RELEASE"), "Spark 4.0.0 (git revision 0) built for Hadoop 3.4.1\n");
        Run run = install(Map.of());
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(Files.readString(opt.resolve("spark/RELEASE")).startsWith("Spark " + SPARK + " "));
    }

    @Test
    void aRapidsJarThatDoesNotMatchMavenCentralsChecksumIsRefused() throws Exception {
        Files.writeString(Path.of(rapidsJar + ".sha1"), "0".repeat(40));
        Run run = install(Map.of(), "--gpu");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.output().contains("does not match Maven Central's SHA-1"), run.output());
        assertFalse(Files.exists(opt.resolve("imgsearch/rapids-4-spark_2.13-" + RAPIDS + ".jar")));
    }

    @Test
    void aFailedDownloadFailsTheSetup() throws Exception {
        Run run = install(Map.of("LIBTORCH_URL", tmp.resolve("missing.zip").toUri().toString()), "--gpu");
        assertNotEquals(0, run.exitCode());
        assertFalse(Files.exists(opt.resolve("libtorch")));
    }

    @Test
    void withoutAReleaseUrlNothingIsInstalled() throws Exception {
        Map<String, String> changes = new HashMap<>();
        changes.put("RELEASE_URL", null);
        Run run = install(changes);
        assertNotEquals(0, run.exitCode());
        assertTrue(run.output().contains("set RELEASE_URL"), run.output());
        assertFalse(Files.exists(opt));
    }

    @Test
    void anUnknownArgumentIsRefused() throws Exception {
        Run run = install(Map.of(), "--cpu");
        assertEquals(2, run.exitCode());
        assertTrue(run.output().contains("unknown argument --cpu"), run.output());
    }
}

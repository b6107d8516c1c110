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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
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
        release(tmp.resolve("imgsearch-spark.jar"), "4.1", "2.13", "release");
        distribution(SPARK, "2.13", "spark-" + SPARK + "-bin-hadoop3", tmp.resolve("spark.tgz"));
        rapidsJar = rapids("2.13", RAPIDS);
        try (OutputStream file = Files.newOutputStream(tmp.resolve("libtorch.zip"));
                ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("libtorch/lib/libtorch_cuda.so"));
            zip.write("cuda".getBytes());
            zip.closeEntry();
        }
    }

    /** A release jar as the build makes it: the Spark line it is for in imgsearch.properties. */
    private static void release(Path jar, String sparkLine, String scala, String build) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("imgsearch.properties"));
            zip.write(("version=" + build + "\nspark.line=" + sparkLine + "\nscala.binary.version=" + scala + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
    }

    private static String releaseBuild(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Properties props = new Properties();
            props.load(zip.getInputStream(zip.getEntry("imgsearch.properties")));
            return props.getProperty("version");
        }
    }

    /** A Spark distribution's tarball, unpacking to {@code name}/ with its Scala library in jars/. */
    private void distribution(String version, String scala, String name, Path tgz) throws Exception {
        Path dist = Files.createDirectories(tmp.resolve("dist-" + name));
        Path jars = Files.createDirectories(dist.resolve(name + "/jars"));
        Files.writeString(jars.getParent().resolve("RELEASE"), "Spark " + version + " (git revision 0) built for Hadoop 3\n");
        Files.writeString(jars.resolve("spark-core_" + scala + "-" + version + ".jar"), "jar");
        Files.writeString(jars.resolve("scala-library-" + scala + ".0.jar"), "jar");
        assertEquals(0, new ProcessBuilder("tar", "-czf", tgz.toString(), "-C", dist.toString(), name)
                .inheritIO().start().waitFor());
    }

    private Path rapids(String scala, String version) throws Exception {
        Path jar = Files.createDirectories(tmp.resolve("maven/com/nvidia/rapids-4-spark_" + scala + "/" + version))
                .resolve("rapids-4-spark_" + scala + "-" + version + ".jar");
        Files.writeString(jar, "rapids");
        Files.writeString(Path.of(jar + ".sha1"), HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(jar))));
        return jar;
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
        assertEquals("release", releaseBuild(opt.resolve("imgsearch/imgsearch-spark.jar")));
        assertEquals("rapids", Files.readString(opt.resolve("imgsearch/rapids-4-spark_2.13-" + RAPIDS + ".jar")));
        assertTrue(Files.isRegularFile(opt.resolve("spark/jars/spark-core_2.13-" + SPARK + ".jar")));
        assertTrue(Files.isRegularFile(opt.resolve("libtorch/lib/libtorch_cuda.so")));
        assertTrue(Files.isExecutable(opt.resolve("imgsearch/getGpusResources.sh")));

        release(tmp.resolve("imgsearch-spark.jar"), "4.1", "2.13", "release 2");
        Run second = install(Map.of(), "--gpu");
        assertEquals(0, second.exitCode(), second.output());
        assertEquals("release 2", releaseBuild(opt.resolve("imgsearch/imgsearch-spark.jar")),
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
    void aSpark35Scala212ClusterGetsItsOwnDistributionAndRapidsBuild() throws Exception {
        release(tmp.resolve("imgsearch-spark3.5_2.12.jar"), "3.5", "2.12", "3.5 release");
        distribution("3.5.5", "2.12", "spark-3.5.5-bin-hadoop3", tmp.resolve("spark35.tgz"));
        rapids("2.12", "25.04.0");
        Map<String, String> line = Map.of("RELEASE_URL", tmp.resolve("imgsearch-spark3.5_2.12.jar").toUri().toString(),
                "SPARK_VERSION", "3.5.5", "SPARK_SCALA_VERSION", "2.12",
                "SPARK_URL", tmp.resolve("spark35.tgz").toUri().toString(), "RAPIDS_VERSION", "25.04.0");
        Run run = install(line, "--gpu");
        assertEquals(0, run.exitCode(), run.output());
        assertEquals("3.5 release", releaseBuild(opt.resolve("imgsearch/imgsearch-spark.jar")));
        assertTrue(Files.isRegularFile(opt.resolve("spark/jars/spark-core_2.12-3.5.5.jar")));
        assertTrue(Files.isRegularFile(opt.resolve("imgsearch/rapids-4-spark_2.12-25.04.0.jar")));
    }

    @Test
    void aReleaseJarOfAnotherSparkLineIsRefusedAndNamesTheOneToUse() throws Exception {
        release(tmp.resolve("imgsearch-spark.jar"), "3.5", "2.12", "release");
        Run run = install(Map.of());
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("RELEASE_URL is the jar for Spark line 3.5 with Scala 2.12, but this installs"
                + " Spark " + SPARK + " with Scala 2.13: use imgsearch-spark4.1_2.13.jar"), run.output());
        assertFalse(Files.exists(opt.resolve("imgsearch/imgsearch-spark.jar")));
        assertFalse(Files.exists(opt.resolve("spark")), "nothing else is installed");
    }

    @Test
    void anInstalledSparkOfTheOtherScalaVersionIsReplaced() throws Exception {
        assertEquals(0, install(Map.of()).exitCode());
        Files.delete(opt.resolve("spark/jars/scala-library-2.13.0.jar"));
        Files.writeString(opt.resolve("spark/jars/scala-library-2.12.0.jar"), "jar");
        Run run = install(Map.of());
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("spark.tgz"), "fetched again:\n" + run.output());
        assertTrue(Files.isRegularFile(opt.resolve("spark/jars/scala-library-2.13.0.jar")));
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

package dev.imgsearch.skypilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.jobs.SparkJvm;
import dev.imgsearch.jobs.TestPaths;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark profiles in config/, read the way the CLI reads --properties-file, --conf and --master. */
class SparkProfilesTest {

    @TempDir
    Path tmp;

    /** The Spark settings {@code imgsearch embed --input x --output y OPTIONS} starts its session with. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> settings(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("embed", "--input", "x", "--output", "y"));
        args.addAll(List.of(options));
        Object spark = ImgsearchArgs.parse(args).subcommand().commandSpec().mixins().get("spark").userObject();
        Method settings = spark.getClass().getDeclaredMethod("settings");
        settings.setAccessible(true);
        try {
            return (Map<String, String>) settings.invoke(spark);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    private static List<Path> profiles() throws IOException {
        try (Stream<Path> files = Files.list(TestPaths.REPO.resolve("config"))) {
            return files.filter(f -> f.getFileName().toString().matches("spark-.*\\.conf")).sorted().toList();
        }
    }

    @Test
    void everyProfileLoadsAsAPropertiesFile() throws Exception {
        List<Path> profiles = profiles();
        assertEquals(List.of("spark-cluster.conf", "spark-gpu-cluster.conf", "spark-gpu.conf", "spark-local.conf"),
                profiles.stream().map(p -> p.getFileName().toString()).toList());
        for (Path profile : profiles) {
            Map<String, String> settings = settings("--properties-file", profile.toString());
            assertTrue(settings.size() >= 5, profile + ": " + settings);
            settings.forEach((key, value) -> {
                assertTrue(key.startsWith("spark."), profile + ": " + key);
                assertFalse(value.isBlank(), profile + ": " + key + " has no value");
            });
            assertEquals("4", settings.get("spark.task.maxFailures"), profile + ": a shard's retries");
        }
    }

    /**
     * Every spark-submit jar runs with every profile: Hadoop 3.3 (the Spark 3.5 jars) cannot load an SDK v2 class, so
     * the s3a credentials chain names SDK v1 classes, which Hadoop 3.4 maps to v2 (SparkClusterIT loads it on both).
     */
    @Test
    void everyProfileHasTheOneS3aCredentialsChainThatBothHadoopLinesLoad() throws Exception {
        String key = "spark.hadoop.fs.s3a.aws.credentials.provider";
        String chain = settings("--properties-file", profiles().get(0).toString()).get(key);
        assertFalse(chain.contains("software.amazon.awssdk"), chain);
        assertTrue(chain.contains("com.amazonaws.auth.profile.ProfileCredentialsProvider"), chain);
        for (Path profile : profiles()) {
            assertEquals(chain, settings("--properties-file", profile.toString()).get(key), profile.toString());
        }
    }

    @Test
    void confOverridesTheFileAndMasterOverridesBoth() throws Exception {
        Path profile = TestPaths.REPO.resolve("config/spark-local.conf");
        assertEquals("local[*]", settings("--properties-file", profile.toString()).get("spark.master"));
        Map<String, String> settings = settings("--properties-file", profile.toString(), "--conf",
                "spark.master=local[2]", "--conf", "spark.task.maxFailures=1", "--conf", "spark.app.extra=yes");
        assertEquals("local[2]", settings.get("spark.master"));
        assertEquals("1", settings.get("spark.task.maxFailures"));
        assertEquals("yes", settings.get("spark.app.extra"));
        assertEquals("127.0.0.1", settings.get("spark.driver.host"), "untouched file entries stay");
        assertEquals("spark://h:7077", settings("--properties-file", profile.toString(), "--conf",
                "spark.master=local[2]", "--master", "spark://h:7077").get("spark.master"));
    }

    @Test
    void everyProfileStartsTheJvmsThatWriteLuceneStoresWithTheVectorApi() throws Exception {
        for (Path profile : profiles()) {
            Map<String, String> settings = settings("--properties-file", profile.toString());
            String driver = settings.getOrDefault("spark.driver.extraJavaOptions", "");
            assertTrue(driver.contains(SparkJvm.VECTOR_API), profile + ": driver options " + driver);
            if (!settings.getOrDefault("spark.master", "").startsWith("local")) {
                String executor = settings.getOrDefault("spark.executor.extraJavaOptions", "");
                assertTrue(executor.contains(SparkJvm.VECTOR_API), profile + ": executor options " + executor);
            }
        }
    }

    @Test
    void aMissingPropertiesFileIsAClearError() {
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> settings("--properties-file", tmp.resolve("nope.conf").toString()));
        assertTrue(e.getMessage().contains("properties file not found"), e.getMessage());
    }

    @Test
    void theLocalGpuProfileAsksSparkForNoGpuButGivesDjlTheCudaLibtorch() throws Exception {
        Map<String, String> gpu = settings("--properties-file", TestPaths.REPO.resolve("config/spark-gpu.conf").toString());
        assertEquals("local[*]", gpu.get("spark.master"));
        gpu.keySet().forEach(key -> assertFalse(key.contains(".resource.gpu."),
                key + ": a local-mode job that asks for GPU resources is never scheduled"));
        String driverOptions = gpu.get("spark.driver.extraJavaOptions");
        assertTrue(driverOptions.contains("-DPYTORCH_LIBRARY_PATH=/opt/libtorch/lib"), driverOptions);
        assertTrue(driverOptions.contains("-DPYTORCH_FLAVOR=cu128"), driverOptions);
        assertEquals("com.nvidia.spark.SQLPlugin", gpu.get("spark.plugins"));
    }

    @Test
    void theClusterGpuProfileSchedulesOneGpuPerExecutorAndFindsItWithTheInstalledScript() throws Exception {
        Map<String, String> gpu = settings("--properties-file",
                TestPaths.REPO.resolve("config/spark-gpu-cluster.conf").toString());
        assertEquals("1", gpu.get("spark.executor.resource.gpu.amount"));
        int cores = Integer.parseInt(gpu.get("spark.executor.cores"));
        assertEquals(cores, (int) Math.floor(1 / Double.parseDouble(gpu.get("spark.task.resource.gpu.amount"))));
        assertEquals("/opt/imgsearch/getGpusResources.sh", gpu.get("spark.executor.resource.gpu.discoveryScript"));
        assertEquals("/opt/libtorch/lib", gpu.get("spark.executorEnv.PYTORCH_LIBRARY_PATH"));
        assertFalse(gpu.containsKey("spark.master"), "the cluster's master comes from spark-submit");
    }
}

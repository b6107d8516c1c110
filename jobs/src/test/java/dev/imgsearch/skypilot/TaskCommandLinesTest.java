package dev.imgsearch.skypilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.jobs.TestPaths;
import dev.imgsearch.skypilot.TaskSandbox.Invocation;
import dev.imgsearch.skypilot.TaskSandbox.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParseResult;

/**
 * Every imgsearch command line the tasks run, after bash has expanded it with sample settings, is one the CLI accepts
 * and says what the settings say: the YAMLs cannot drift from the code.
 */
class TaskCommandLinesTest {

    /** Values for the settings a user must give, like a filled-in copy of config/imgsearch-defaults.conf. */
    private static final Map<String, String> REQUIRED = Map.of(
            "INPUT", "s3a://my-bucket/images",
            "OUTPUT", "s3a://my-bucket/embeddings",
            "RELEASE_URL", "https://example.com/imgsearch-spark.jar",
            "EMBEDDINGS", "s3a://my-bucket/embeddings",
            "INDEX_BUCKET", "s3://my-bucket/index",
            "MODEL", "s3a://my-bucket/model.zip");

    @TempDir
    Path tmp;

    /** The task's envs as SkyPilot exports them: the YAML's values, required ones filled in, then {@code more}. */
    private static Map<String, String> env(SkyPilotTask task, Map<String, String> more) {
        Map<String, String> env = new HashMap<>();
        task.envs().forEach((key, value) -> env.put(key, value != null ? value : REQUIRED.get(key)));
        env.putAll(task.secrets());
        env.putAll(more);
        return env;
    }

    private Result run(SkyPilotTask task, String script, Map<String, String> more) throws Exception {
        Result result = new TaskSandbox(Files.createTempDirectory(tmp, "sandbox")).run(script, env(task, more));
        assertEquals(0, result.exitCode(), task.name() + ": " + result.stderr());
        return result;
    }

    private static Invocation only(Result result) {
        assertEquals(1, result.invocations().size(), result.invocations().toString());
        return result.invocations().get(0);
    }

    private static ParseResult imgsearch(Invocation invocation, String command) {
        List<String> args = ImgsearchArgs.of(invocation.args()).orElseThrow(
                () -> new AssertionError("no imgsearch command in " + invocation));
        ParseResult parsed = ImgsearchArgs.parse(args);
        assertEquals(command, parsed.subcommand().commandSpec().name(), args.toString());
        return parsed.subcommand();
    }

    private static void assertRepositoryFile(String relative) {
        assertTrue(Files.isRegularFile(TestPaths.REPO.resolve(relative)), relative + " does not exist");
    }

    @Test
    void embedRunsSparkSubmitLocallyWithTheGpuProfileAndItsSettings() throws Exception {
        SkyPilotTask task = SkyPilotTask.read("embed.yaml");
        Invocation submit = only(run(task, task.run(), Map.of("NUM_SHARDS", "8", "SHARD_INDEX", "5",
                "BATCH_SIZE", "96", "CAPTION_COLUMN", "text", "MODEL", "s3a://my-bucket/model.zip")));
        assertEquals("spark-submit", submit.program());
        ParseResult embed = imgsearch(submit, "embed");
        assertEquals("s3a://my-bucket/images", embed.matchedOptionValue("--input", ""));
        assertEquals("s3a://my-bucket/embeddings", embed.matchedOptionValue("--output", ""));
        assertEquals(8, (int) embed.matchedOptionValue("--num-shards", 0));
        assertEquals(5, (int) embed.matchedOptionValue("--shard-index", 0));
        assertEquals(96, (int) embed.matchedOptionValue("--batch-size", 0));
        assertEquals("text", embed.matchedOptionValue("--caption-column", ""));
        assertEquals("s3a://my-bucket/model.zip", embed.matchedOptionValue("--model", ""));

        List<String> options = ImgsearchArgs.submitOptions(submit.args());
        String profile = options.get(options.indexOf("--properties-file") + 1);
        assertEquals("config/spark-gpu.conf", profile);
        assertRepositoryFile(profile);
        assertEquals("/opt/imgsearch/rapids-4-spark_2.13-" + task.envs().get("RAPIDS_VERSION") + ".jar",
                options.get(options.indexOf("--jars") + 1));
        assertEquals("/opt/imgsearch/imgsearch-spark.jar", submit.args().get(options.size()));
    }

    @Test
    void emptyOptionalSettingsLeaveTheirFlagsOut() throws Exception {
        SkyPilotTask task = SkyPilotTask.read("embed.yaml");
        Invocation submit = only(run(task, task.run(), Map.of()));
        List<String> args = ImgsearchArgs.of(submit.args()).orElseThrow();
        assertFalse(args.contains("--model"), args.toString());
        assertFalse(args.contains("--caption-column"), args.toString());
        ImgsearchArgs.parse(args);
    }

    @Test
    void anEmptyHuggingFaceTokenIsNoToken() throws Exception {
        SkyPilotTask task = SkyPilotTask.read("embed.yaml");
        assertFalse(only(run(task, task.run(), Map.of())).env().containsKey("HF_TOKEN"));
        assertEquals("hf_x", only(run(task, task.run(), Map.of("HF_TOKEN", "hf_x"))).env().get("HF_TOKEN"));
    }

    @Test
    void aMissingInputStopsTheRunWithItsName() throws Exception {
        SkyPilotTask task = SkyPilotTask.read("embed.yaml");
        Result result = new TaskSandbox(tmp).run(task.run(), env(task, Map.of("INPUT", "")));
        assertNotEquals(0, result.exitCode());
        assertTrue(result.stderr().contains("set INPUT"), result.stderr());
        assertTrue(result.invocations().isEmpty());
    }

    @Test
    void theClusterTaskSubmitsEmbedThroughTheBootstrapScriptWithOneTaskSlotPerCore() throws Exception {
        SkyPilotTask task = SkyPilotTask.read("embed-cluster.yaml");
        Invocation bootstrap = only(run(task, task.run(), Map.of()));
        assertEquals("skypilot/spark-cluster.sh", bootstrap.program());
        ParseResult embed = imgsearch(bootstrap, "embed");
        assertEquals("s3a://my-bucket/images", embed.matchedOptionValue("--input", ""));
        assertFalse(embed.hasMatchedOption("--num-shards"), "one cluster job embeds everything");

        List<String> options = ImgsearchArgs.submitOptions(bootstrap.args());
        String profile = options.get(options.indexOf("--properties-file") + 1);
        assertEquals("config/spark-gpu-cluster.conf", profile);
        assertRepositoryFile(profile);
        int cores = -1;
        double gpuShare = -1;
        for (int i = 0; i < options.size() - 1; i++) {
            if (options.get(i).equals("--conf")) {
                String[] kv = options.get(i + 1).split("=", 2);
                if (kv[0].equals("spark.executor.cores")) {
                    cores = Integer.parseInt(kv[1]);
                } else if (kv[0].equals("spark.task.resource.gpu.amount")) {
                    gpuShare = Double.parseDouble(kv[1]);
                }
            }
        }
        Process nproc = new ProcessBuilder("nproc").start();
        assertEquals(Integer.parseInt(new String(nproc.getInputStream().readAllBytes()).strip()), cores,
                "one task slot per vCPU of the node");
        assertEquals(cores, (int) Math.floor(1 / gpuShare), "Spark gives an executor floor(1 / share) task slots");
        String workerOpts = bootstrap.env().get("SPARK_WORKER_OPTS");
        assertTrue(workerOpts.contains("-Dspark.worker.resource.gpu.amount=1"), workerOpts);
        assertTrue(workerOpts.contains("-Dspark.worker.resource.gpu.discoveryScript=/opt/imgsearch/getGpusResources.sh"),
                workerOpts);
    }

    @Test
    void buildLoadsTheEmbeddingsIntoTheStore() throws Exception {
        SkyPilotTask task = SkyPilotTask.read("build.yaml");
        Invocation submit = only(run(task, task.run(), Map.of()));
        ParseResult build = imgsearch(submit, "build");
        assertEquals("s3a://my-bucket/embeddings", build.matchedOptionValue("--embeddings", ""));
        assertEquals(List.of(task.envs().get("STORE")), build.matchedOption("--store").stringValues());
        List<String> options = ImgsearchArgs.submitOptions(submit.args());
        assertRepositoryFile(options.get(options.indexOf("--properties-file") + 1));
    }

    @Test
    void serveListensOnTheServicePortOnEveryInterface() throws Exception {
        SkyPilotTask task = SkyPilotTask.read("serve.yaml");
        Invocation java = only(run(task, task.run(), Map.of()));
        assertEquals("java", java.program());
        ParseResult serve = imgsearch(java, "serve");
        assertEquals("0.0.0.0", serve.matchedOptionValue("--host", ""));
        assertEquals(task.yaml().path("resources").path("ports").asInt(),
                (int) serve.matchedOptionValue("--port", 0));
        assertEquals(List.of(task.envs().get("STORE")), serve.matchedOption("--store").stringValues());
    }

    @Test
    void everySetupInstallsWithTheTasksSettingsAndGpuTasksAskForTheGpuParts() throws Exception {
        for (SkyPilotTask task : SkyPilotTask.all()) {
            Invocation install = only(run(task, task.setup(), Map.of()));
            assertEquals("skypilot/install.sh", install.program(), task.name());
            boolean gpu = task.yaml().path("resources").path("ordered").isArray();
            assertEquals(gpu ? List.of("--gpu") : List.of(), install.args(), task.name());
            List<String> needed = gpu ? List.of("RELEASE_URL", "SPARK_VERSION", "SPARK_HOME", "RAPIDS_VERSION",
                    "LIBTORCH_URL") : List.of("RELEASE_URL", "SPARK_VERSION", "SPARK_HOME");
            for (String key : needed) {
                assertTrue(install.env().containsKey(key), task.name() + " does not give install.sh " + key);
            }
        }
    }
}

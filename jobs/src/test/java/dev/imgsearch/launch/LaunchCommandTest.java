package dev.imgsearch.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.imgsearch.cli.Main;
import dev.imgsearch.jobs.TestPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imgsearch launch embed}, run as a user runs it: through Main, with a stand-in for the sky CLI. */
class LaunchCommandTest {

    private static final Path YAML = TestPaths.REPO.resolve("skypilot/embed.yaml");

    @TempDir
    Path tmp;

    private record Result(int exitCode, String out, String err) {
    }

    private static Result imgsearch(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static List<String> launch(String... more) {
        List<String> args = new ArrayList<>(List.of("launch", "embed", "--yaml", YAML.toString(),
                "--input", "s3a://bucket/images", "--output", "s3a://bucket/embeddings"));
        args.addAll(List.of(more));
        return args;
    }

    /** The --env KEY=VALUE pairs of one sky command line. */
    private static Map<String, String> envs(List<String> command) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < command.size() - 1; i++) {
            if (command.get(i).equals("--env")) {
                String pair = command.get(i + 1);
                env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        return env;
    }

    private static JsonNode task() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(YAML.toFile());
    }

    @Test
    void dryRunPrintsOneLaunchPerJobEachWithItsPart() throws Exception {
        FakeSky sky = FakeSky.in(tmp);
        Result r = imgsearch(launch("--jobs", "4", "--dry-run", "--sky", sky.path()).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(0, sky.calls().size(), "a dry run runs nothing");
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        for (int i = 0; i < 4; i++) {
            List<String> words = List.of(lines.get(i).split(" "));
            assertEquals(List.of(sky.path(), "jobs", "launch", YAML.toString()), words.subList(0, 4));
            Map<String, String> env = envs(words);
            assertEquals("4", env.get("NUM_SHARDS"));
            assertEquals(String.valueOf(i), env.get("SHARD_INDEX"));
            assertEquals("s3a://bucket/images", env.get("INPUT"));
        }
    }

    @Test
    void everySettingTheLauncherPassesIsOneTheYamlDeclares() throws Exception {
        FakeSky sky = FakeSky.in(tmp);
        Result r = imgsearch(launch("--jobs", "2", "--model", "s3a://bucket/model.zip", "--batch-size", "128",
                "--shard-size", "512", "--format", "PARQUET", "--image-column", "img", "--caption-column", "text",
                "--release-url", "https://example.com/imgsearch-spark.jar", "--secret", "HF_TOKEN", "--dry-run",
                "--sky", sky.path()).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        JsonNode task = task();
        Set<String> declared = new HashSet<>();
        task.get("envs").fieldNames().forEachRemaining(declared::add);
        List<String> command = List.of(r.out().lines().findFirst().orElseThrow().split(" "));
        Map<String, String> env = envs(command);
        assertEquals(Set.of("INPUT", "OUTPUT", "MODEL", "BATCH_SIZE", "SHARD_SIZE", "FORMAT", "IMAGE_COLUMN",
                "CAPTION_COLUMN", "RELEASE_URL", "NUM_SHARDS", "SHARD_INDEX"), env.keySet());
        assertTrue(declared.containsAll(env.keySet()), "not in embed.yaml: " + env.keySet());
        assertEquals("128", env.get("BATCH_SIZE"));
        assertEquals("PARQUET", env.get("FORMAT"));
        int secret = command.indexOf("--secret");
        assertTrue(task.get("secrets").has(command.get(secret + 1)), command.get(secret + 1));
    }

    @Test
    void optionsLeftOutKeepTheYamlDefaults() throws Exception {
        FakeSky sky = FakeSky.in(tmp);
        Result r = imgsearch(launch("--dry-run", "--secret", "HF_TOKEN", "--sky", sky.path()).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        Map<String, String> env = envs(List.of(r.out().strip().split(" ")));
        assertEquals(Set.of("INPUT", "OUTPUT", "NUM_SHARDS", "SHARD_INDEX"), env.keySet());
        assertFalse(r.out().contains("--env-file"), r.out());
    }

    @Test
    void launchStartsEveryJobThroughSky() throws Exception {
        FakeSky sky = FakeSky.in(tmp);
        Path envFile = tmp.resolve("my-job.env");
        java.nio.file.Files.writeString(envFile, "RELEASE_URL=https://example.com/imgsearch-spark.jar\n");
        Result r = imgsearch(launch("--jobs", "3", "--env-file", envFile.toString(), "--env", "SHARD_SIZE=64",
                "--sky", sky.path()).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        List<List<String>> calls = sky.calls();
        assertEquals(3, calls.size());
        for (int i = 0; i < 3; i++) {
            List<String> call = calls.get(i);
            assertEquals(List.of("jobs", "launch", YAML.toString(), "--name", "imgsearch-embed-" + i + "-of-3"),
                    call.subList(0, 5));
            assertEquals(envFile.toString(), call.get(call.indexOf("--env-file") + 1));
            assertEquals("64", envs(call).get("SHARD_SIZE"));
        }
        assertTrue(r.out().contains("started 3 jobs"), r.out());
    }

    @Test
    void aRefusedLaunchFailsAndSaysHowToStartTheRest() throws Exception {
        FakeSky sky = FakeSky.in(tmp);
        sky.failFrom(3);
        Result r = imgsearch(launch("--jobs", "4", "--sky", sky.path()).toArray(String[]::new));
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("imgsearch-embed-2-of-4") && r.err().contains("--only 2,3"), r.err());
    }

    @Test
    void aMissingYamlIsOneLineExitOne() {
        Result r = imgsearch("launch", "embed", "--yaml", tmp.resolve("none.yaml").toString(),
                "--input", "a", "--output", "b", "--dry-run");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("none.yaml not found"), r.err());
    }

    @Test
    void impossibleJobChoicesAreBadArguments() {
        assertEquals(2, imgsearch(launch("--jobs", "4", "--only", "4", "--dry-run").toArray(String[]::new)).exitCode());
        assertEquals(2, imgsearch(launch("--jobs", "0", "--dry-run").toArray(String[]::new)).exitCode());
        assertEquals(2, imgsearch(launch("--batch-size", "0", "--dry-run").toArray(String[]::new)).exitCode());
        assertEquals(2, imgsearch(launch("--env", "NUM_SHARDS=3", "--dry-run").toArray(String[]::new)).exitCode());
        assertEquals(2, imgsearch("launch").exitCode());
    }
}

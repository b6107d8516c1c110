package dev.imgsearch.skypilot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.jobs.TestPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a task's setup or run script with bash, as SkyPilot would on a node, but with every program that would do
 * real work replaced by a recorder: {@code $SPARK_HOME/bin/spark-submit}, {@code java}, and the repository's
 * {@code skypilot/spark-cluster.sh} and {@code skypilot/install.sh}. The working directory is a copy of the parts of
 * the repository a task's workdir carries; bash expands the script's variables for real.
 */
final class TaskSandbox {

    /** One recorded run of a replaced program: its name, arguments and environment. */
    record Invocation(String program, List<String> args, Map<String, String> env) {
    }

    /** What the script did: its exit code, stderr, and the programs it ran. */
    record Result(int exitCode, String stderr, List<Invocation> invocations) {
    }

    private static final String RECORDER = """
            #!/usr/bin/env bash
            n=$(( $(cat "$RECORDINGS/count" 2>/dev/null || echo 0) + 1 ))
            echo "$n" > "$RECORDINGS/count"
            printf '%%s\\0' "%s" "$@" > "$RECORDINGS/args-$n"
            env -0 > "$RECORDINGS/env-$n"
            """;

    private final Path root;
    private final Path work;
    private final Path sparkBin;
    private final Path bin;
    private final Path recordings;

    TaskSandbox(Path root) throws IOException {
        this.root = root;
        this.work = Files.createDirectories(root.resolve("workdir"));
        this.sparkBin = Files.createDirectories(root.resolve("spark/bin"));
        this.bin = Files.createDirectories(root.resolve("bin"));
        this.recordings = Files.createDirectories(root.resolve("recordings"));
        copyTree(TestPaths.REPO.resolve("config"), work.resolve("config"));
        copyTree(TestPaths.REPO.resolve("skypilot"), work.resolve("skypilot"));
        recorder(work.resolve("skypilot/spark-cluster.sh"), "skypilot/spark-cluster.sh");
        recorder(work.resolve("skypilot/install.sh"), "skypilot/install.sh");
        recorder(sparkBin.resolve("spark-submit"), "spark-submit");
        recorder(bin.resolve("java"), "java");
    }

    /** Runs {@code script} with the task environment {@code env} (SPARK_HOME is the sandbox's) on node 0 of 2. */
    Result run(String script, Map<String, String> env) throws IOException, InterruptedException {
        Path scriptFile = root.resolve("script.sh");
        Files.writeString(scriptFile, script);
        ProcessBuilder builder = new ProcessBuilder("bash", scriptFile.toString()).directory(work.toFile())
                .redirectOutput(root.resolve("stdout.log").toFile()).redirectError(root.resolve("stderr.log").toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("HF_") || key.startsWith("SPARK_")
                || key.startsWith("SKYPILOT_") || key.equals("IMGSEARCH_API_KEY"));
        environment.put("PATH", bin + ":" + environment.get("PATH"));
        environment.put("HOME", Files.createDirectories(root.resolve("home")).toString());
        environment.put("RECORDINGS", recordings.toString());
        environment.put("SKYPILOT_NODE_RANK", "0");
        environment.put("SKYPILOT_NODE_IPS", "10.0.0.1\n10.0.0.2");
        environment.put("SKYPILOT_NUM_GPUS_PER_NODE", "1");
        environment.putAll(env);
        environment.put("SPARK_HOME", sparkBin.getParent().toString());
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the script did not finish");
        return new Result(process.exitValue(), Files.readString(root.resolve("stderr.log")), invocations());
    }

    private List<Invocation> invocations() throws IOException {
        List<Invocation> invocations = new ArrayList<>();
        for (int n = 1; Files.exists(recordings.resolve("args-" + n)); n++) {
            List<String> words = nulSeparated(recordings.resolve("args-" + n));
            Map<String, String> env = new LinkedHashMap<>();
            for (String pair : nulSeparated(recordings.resolve("env-" + n))) {
                int eq = pair.indexOf('=');
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            invocations.add(new Invocation(words.get(0), words.subList(1, words.size()), env));
        }
        return invocations;
    }

    /** Every entry ends with a NUL, so the last piece is always empty. */
    private static List<String> nulSeparated(Path file) throws IOException {
        List<String> pieces = Arrays.asList(Files.readString(file, StandardCharsets.UTF_8).split("\0", -1));
        return pieces.subList(0, pieces.size() - 1);
    }

    private static void recorder(Path file, String program) throws IOException {
        Files.writeString(file, String.format(RECORDER, program));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}

package dev.imgsearch.skypilot;

import dev.imgsearch.jobs.TestSparkHome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.jobs.TestPaths;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.RecordParquetReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skypilot/spark-cluster.sh on loopback, as two SkyPilot nodes of one machine: two processes with
 * SKYPILOT_NODE_RANK 0 and 1 and both addresses 127.0.0.1. Rank 0 must start the master and a worker, wait for rank
 * 1's worker, run the packaged spark-submit jar's embed job on the cluster, and both must exit when it is over.
 * SPARK_HOME is only a jars/ folder linking the test class path's Spark jars, as on a node with a bare Spark.
 */
class SparkClusterScriptIT {

    private static final Path JAR = TestPaths.SPARK_SUBMIT_JAR;
    @TempDir
    static Path shared;
    private static Path sparkHome;

    @TempDir
    Path tmp;

    @BeforeAll
    static void sparkHome() throws IOException {
        assertTrue(Files.isRegularFile(JAR), "run `mvn verify`: the packaged jar is missing: " + JAR);
        sparkHome = TestSparkHome.create(shared.resolve("spark-home"));
    }

    private record Node(Process process, Path log) {
        String output() throws IOException {
            return Files.readString(log);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts the bootstrap script as node {@code rank} of two, with {@code submitArgs} for rank 0. */
    private Node node(int rank, Map<String, String> ports, List<String> submitArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", TestPaths.REPO.resolve("skypilot/spark-cluster.sh").toString()));
        command.addAll(submitArgs);
        Path log = tmp.resolve("node-" + rank + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(ports);
        env.put("SKYPILOT_NODE_RANK", String.valueOf(rank));
        env.put("SKYPILOT_NODE_IPS", "127.0.0.1\n127.0.0.1");
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_WORKER_WEBUI_PORT", ports.get("WORKER_WEBUI_PORT_" + rank));
        env.put("SPARK_WORKER_CORES", "1");
        env.put("SPARK_WORKER_MEMORY", "1536m");
        env.put("SPARK_DAEMON_MEMORY", "512m");
        env.put("SPARK_DRIVER_MEMORY", "1g");
        env.put("SPARK_WORKER_DIR", tmp.resolve("work-" + rank).toString());
        env.put("SPARK_LOG_DIR", tmp.resolve("logs-" + rank).toString());
        env.put("SPARK_CLUSTER_TIMEOUT", "120");
        return new Node(builder.start(), log);
    }

    private Map<String, String> ports() throws IOException {
        return Map.of("SPARK_MASTER_PORT", String.valueOf(freePort()),
                "SPARK_MASTER_WEBUI_PORT", String.valueOf(freePort()),
                "WORKER_WEBUI_PORT_0", String.valueOf(freePort()),
                "WORKER_WEBUI_PORT_1", String.valueOf(freePort()));
    }

    /** What embed-cluster.yaml submits, with the CPU cluster profile sized for one-core workers. */
    private static List<String> embed(String input, Path output) {
        return List.of("--properties-file", TestPaths.REPO.resolve("config/spark-cluster.conf").toString(),
                "--conf", "spark.executor.cores=1", "--conf", "spark.executor.memory=1g",
                "--class", "dev.imgsearch.cli.Main", JAR.toString(),
                "embed", "--input", input, "--output", output.toString(),
                "--model", TestPaths.TINY_MODEL.toString(), "--shard-size", "2", "--batch-size", "2");
    }

    private static int exit(Node node) throws Exception {
        assertTrue(node.process().waitFor(4, TimeUnit.MINUTES), "a node did not finish:\n" + node.output());
        return node.process().exitValue();
    }

    /** The daemons the script said it started must be gone once it has exited. */
    private static void assertDaemonsStopped(Node node) throws IOException {
        Matcher pid = Pattern.compile("started \\S+ \\(pid (\\d+)\\)").matcher(node.output());
        int daemons = 0;
        while (pid.find()) {
            daemons++;
            assertFalse(ProcessHandle.of(Long.parseLong(pid.group(1))).map(ProcessHandle::isAlive).orElse(false),
                    "daemon " + pid.group(1) + " still runs:\n" + node.output());
        }
        assertTrue(daemons > 0, node.output());
    }

    private static String logs(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                all.append(Files.readString(file));
            }
        }
        return all.toString();
    }

    @Test
    void twoNodesFormAClusterRunTheEmbedJobOnBothWorkersAndLeave() throws Exception {
        Path output = tmp.resolve("out");
        Map<String, String> ports = ports();
        Node worker = node(1, ports, List.of());
        Node head = node(0, ports, embed(TestPaths.SAMPLE_IMAGES.toString(), output));

        assertEquals(0, exit(head), head.output());
        assertEquals(0, exit(worker), worker.output());
        assertTrue(head.output().contains("2 workers registered"), head.output());
        assertTrue(worker.output().contains("the master has gone"), worker.output());
        for (int rank = 0; rank < 2; rank++) {
            assertTrue(logs(tmp.resolve("logs-" + rank)).contains("Asked to launch executor"),
                    "node " + rank + "'s worker ran no executor");
        }
        assertDaemonsStopped(head);
        assertDaemonsStopped(worker);

        List<String> uris = new ArrayList<>();
        try (Stream<Path> files = Files.list(output.resolve("embeddings"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
                try (RecordParquetReader reader = new RecordParquetReader(
                        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration())) {
                    for (EmbeddingRecord r = reader.nextEmbedding(); r != null; r = reader.nextEmbedding()) {
                        uris.add(r.uri());
                    }
                }
            }
        }
        long images;
        try (Stream<Path> files = Files.walk(TestPaths.SAMPLE_IMAGES)) {
            images = files.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(png|jpg)")).count();
        }
        assertEquals(images, uris.size());
        assertEquals(uris.size(), new HashSet<>(uris).size(), "an image embedded twice");
    }

    @Test
    void aFailedApplicationFailsTheHeadAndStillReleasesTheWorkers() throws Exception {
        Map<String, String> ports = ports();
        Node worker = node(1, ports, List.of());
        Node head = node(0, ports, embed(tmp.resolve("no-such-images").toString(), tmp.resolve("out")));

        assertNotEquals(0, exit(head), head.output());
        assertTrue(head.output().contains("the application exited with status"), head.output());
        assertEquals(0, exit(worker), worker.output());
        assertDaemonsStopped(head);
        assertDaemonsStopped(worker);
    }
}

package dev.imgsearch.jobs;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on loopback: a master and workers in their own JVMs, with a SPARK_HOME whose
 * {@code jars/} holds exactly Spark's own jars (as a Spark distribution does), so the application's classes reach
 * the executors only through the submitted jar.
 *
 * <p>Also run by bench/store/cluster.sh, as {@code java -cp JOBS_TEST_CLASSPATH dev.imgsearch.jobs.LocalSparkCluster
 * DIR WORKERS [WORKER_MEMORY]} (the memory each worker offers its executors, default {@value #WORKER_MEMORY}): it
 * prints {@code master spark://…}, {@code spark-home DIR} and each worker's {@code worker-pid PID} once every worker
 * is alive, and stops the cluster when it is terminated.
 */
final class LocalSparkCluster implements AutoCloseable {

    private static final String WORKER_MEMORY = "2g";

    private final Path sparkHome;
    private final Path logs;
    private final int masterPort;
    private final int webUiPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    private LocalSparkCluster(Path dir, int workerCount, String workerMemory) throws IOException, InterruptedException {
        this.sparkHome = TestSparkHome.create(dir.resolve("spark-home"));
        this.logs = Files.createDirectories(dir.resolve("logs"));
        this.masterPort = freePort();
        this.webUiPort = freePort();
        this.master = java("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(webUiPort));
        for (int i = 0; i < workerCount; i++) {
            workers.add(java("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", "1", "--memory", workerMemory, "--webui-port", String.valueOf(freePort()),
                    "--work-dir", Files.createDirectories(dir.resolve("work-" + i)).toString(), masterUrl()));
        }
        awaitAliveWorkers(workerCount, Duration.ofSeconds(90));
    }

    static LocalSparkCluster start(Path dir, int workers) throws IOException, InterruptedException {
        return new LocalSparkCluster(dir, workers, WORKER_MEMORY);
    }

    public static void main(String[] args) throws Exception {
        LocalSparkCluster cluster = new LocalSparkCluster(Path.of(args[0]), Integer.parseInt(args[1]),
                args.length > 2 ? args[2] : WORKER_MEMORY);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                cluster.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.out.println("master " + cluster.masterUrl());
        System.out.println("spark-home " + cluster.sparkHome());
        cluster.workers.forEach(worker -> System.out.println("worker-pid " + worker.pid()));
        System.out.flush();
        Thread.currentThread().join();
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    Path sparkHome() {
        return sparkHome;
    }

    /** SIGKILLs a worker: its executors lose their worker and the master reschedules their tasks. */
    void killWorker(int index) throws InterruptedException {
        Process worker = workers.get(index);
        worker.descendants().forEach(ProcessHandle::destroyForcibly);
        worker.destroyForcibly().waitFor();
    }

    /** A JVM with Spark's jars, the module opens Spark needs on Java 17 and loopback-only networking. */
    Process java(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(SparkJvm.OPENS));
        command.addAll(List.of("-cp", sparkHome.resolve("jars") + File.separator + "*", mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        builder.environment().put("SPARK_HOME", sparkHome.toString());
        builder.environment().put("SPARK_SCALA_VERSION", TestPaths.SCALA_VERSION);
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().put("DJL_OFFLINE", "true");
        builder.environment().put("OPT_OUT_TRACKING", "true");
        return builder.start();
    }

    String log(String name) throws IOException {
        return Files.readString(logs.resolve(name + ".log"));
    }

    private void awaitAliveWorkers(int expected, Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        while (System.nanoTime() < deadline) {
            try {
                String json = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webUiPort + "/json/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = alive.matcher(json);
                if (m.find() && Integer.parseInt(m.group(1)) >= expected) {
                    return;
                }
            } catch (IOException notYet) {
                // the master's UI is not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the standalone cluster did not come up; master log:\n" + log("master"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process worker : workers) {
            worker.descendants().forEach(ProcessHandle::destroyForcibly);
            worker.destroyForcibly().waitFor();
        }
        master.destroyForcibly().waitFor();
    }
}

package dev.imgsearch.skypilot;

import dev.imgsearch.jobs.SparkJvm;
import dev.imgsearch.jobs.TestSparkHome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.jobs.TestPaths;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tasks run on a node, with the release jar (imgsearch-spark.jar) on a bare Spark (a jars/ folder): embed
 * and build through spark-submit with config/spark-local.conf, as embed.yaml and build.yaml do (without the GPU),
 * then serve on the release jar plus Spark's jars as serve.yaml does, until it is ready and answers a search. A
 * profile setting that breaks jobs, or a library the release jar lacks, fails here.
 */
class ReleaseJarIT {

    private static final Path JAR = TestPaths.SPARK_SUBMIT_JAR;

    @TempDir
    Path tmp;

    private Process java(String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g"));
        command.addAll(List.of(SparkJvm.OPENS));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile());
        builder.environment().put("DJL_OFFLINE", "true");
        return builder.start();
    }

    private void submit(String name, String... imgsearchArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("-cp", sparkJars(), "org.apache.spark.deploy.SparkSubmit",
                "--properties-file", TestPaths.REPO.resolve("config/spark-local.conf").toString(),
                "--class", "dev.imgsearch.cli.Main", JAR.toString()));
        args.addAll(List.of(imgsearchArgs));
        Process process = java(name, args);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), log(name));
        assertEquals(0, process.exitValue(), log(name));
    }

    private String sparkJars() throws IOException {
        Path home = tmp.resolve("spark-home");
        if (!Files.exists(home)) {
            TestSparkHome.create(home);
        }
        return home.resolve("jars") + "/*";
    }

    private String log(String name) throws IOException {
        return Files.readString(tmp.resolve(name + ".log"));
    }

    @Test
    void embedBuildAndServeRunOnTheReleaseJarAndABareSpark() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run `mvn verify`: the packaged jar is missing: " + JAR);
        Path embeddings = tmp.resolve("embeddings");
        Path index = tmp.resolve("index");
        String model = TestPaths.TINY_MODEL.toString();
        long images;
        try (Stream<Path> files = Files.walk(TestPaths.SAMPLE_IMAGES)) {
            images = files.filter(f -> f.toString().matches(".*\\.(png|jpg)")).count();
        }

        submit("embed", "embed", "--input", TestPaths.SAMPLE_IMAGES.toString(), "--output", embeddings.toString(),
                "--model", model);
        assertTrue(log("embed").contains("embedded " + images + ", failed 0"), log("embed"));
        submit("build", "build", "--embeddings", embeddings.toString(), "--store", "lucene:" + index);
        assertTrue(log("build").contains(images + " records"), log("build"));

        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process serve = java("serve", List.of("-cp", JAR + ":" + sparkJars(), "dev.imgsearch.cli.Main", "serve",
                "--store", "lucene:" + index, "--model", model, "--host", "127.0.0.1", "--port", String.valueOf(port)));
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            URI base = URI.create("http://127.0.0.1:" + port);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            int ready = 0;
            while (ready != 200 && System.nanoTime() < deadline) {
                assertTrue(serve.isAlive(), log("serve"));
                try {
                    ready = http.send(HttpRequest.newBuilder(base.resolve("/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (ConnectException notListeningYet) {
                    ready = 0;
                }
                Thread.sleep(250);
            }
            assertEquals(200, ready, log("serve"));
            HttpResponse<String> found = http.send(HttpRequest.newBuilder(base.resolve("/api/search?text=a%20cake&k=3"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, found.statusCode(), found.body());
            JsonNode body = new ObjectMapper().readTree(found.body());
            assertEquals(3, body.path("results").size(), found.body());
        } finally {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

package dev.imgsearch.store.chroma;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Chroma server for tests: the {@code chroma} binary of the npm package installed by
 * {@code .ci/chroma/install.sh}, run on a free loopback port with its data in a test directory.
 */
public final class ChromaServer implements AutoCloseable {

    private static final String INSTALL_HINT = "run `bash .ci/chroma/install.sh` in the repository root, "
            + "set IMGSEARCH_CHROMA_BIN to a chroma binary, or set IMGSEARCH_SKIP_CHROMA=true to skip the Chroma tests";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path binary;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private Process process;

    private ChromaServer(Path binary, Path dataDir, int port) {
        this.binary = binary;
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.port = port;
    }

    /** Starts a server keeping its data in {@code dataDir}; fails (or skips, if so configured) when none is installed. */
    public static ChromaServer start(Path dataDir) {
        ChromaServer server = new ChromaServer(binary(), dataDir, freePort());
        server.start();
        return server;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts the server again, on the same port and data, after {@link #kill()}. */
    public void start() {
        try {
            Files.createDirectories(dataDir);
            process = new ProcessBuilder(binary.toString(), "run", "--path", dataDir.toString(),
                    "--host", "127.0.0.1", "--port", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
        }
        awaitReady();
    }

    /** SIGKILL: the server gets no chance to flush or shut down cleanly. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("chroma pid " + process.pid() + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest heartbeat = HttpRequest.newBuilder(url().resolve("/api/v2/heartbeat"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("chroma exited with " + process.exitValue() + " on port " + port + ": "
                        + logTail());
            }
            try {
                if (http.send(heartbeat, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep();
        }
        close();
        throw new IllegalStateException("chroma did not answer on port " + port + " within " + START_TIMEOUT + ": "
                + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static Path binary() {
        Assumptions.assumeFalse("true".equalsIgnoreCase(System.getenv("IMGSEARCH_SKIP_CHROMA")),
                "IMGSEARCH_SKIP_CHROMA=true: Chroma tests skipped");
        String configured = System.getenv("IMGSEARCH_CHROMA_BIN");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            Assertions.assertTrue(Files.isExecutable(path), "IMGSEARCH_CHROMA_BIN=" + configured + " is not executable");
            return path;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(".ci/chroma/node_modules/.bin/chroma");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
            if (Files.exists(dir.resolve(".ci/chroma/package.json"))) {
                break;
            }
        }
        return Assertions.fail("the Chroma test server is not installed: " + INSTALL_HINT);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

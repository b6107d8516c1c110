package dev.imgsearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.serve.Errors;
import dev.imgsearch.serve.Http;
import dev.imgsearch.serve.ServeFixture;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.chroma.ChromaProxy;
import dev.imgsearch.store.chroma.ChromaServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code serve} command as the CLI runs it: real store URI, real model directory, real port. */
class ServeCommandTest {

    private final ServeFixture fixture = ServeFixture.get();

    /** The fixture holds the index's writer lock throughout: serving opens it read-only, options or not. */
    @Test
    void servesUntilInterruptedThenReleasesThePort() throws Exception {
        int port = freePort();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread serving = new Thread(() -> exit.set(new CommandLine(new ServeCommand()).execute(
                "--store", "lucene:" + fixture.workDir.resolve("index") + "?candidates=200",
                "--model", ServeFixture.MODEL_DIR.toString(),
                "--port", Integer.toString(port),
                "--image-root", fixture.imageRoot.toString(),
                "--max-k", "7", "--expose-paths",
                "--max-threads", "16", "--workers", "1", "--work-queue", "2", "--decode-memory-bytes", "" + (64 << 20))));
        serving.start();
        Http http = new Http(port);
        HttpResponse<byte[]> ready = waitForReady(http);
        assertEquals(fixture.images.size(), Http.json(ready).get("images").asInt());
        assertEquals(7, Http.json(http.get("/api/search?k=7&text=cat")).get("results").size());
        assertTrue(Http.json(http.get("/api/search?k=7&text=cat")).get("results").get(0).get("uri").asText()
                .startsWith("file:/"), "--expose-paths shows the indexed file: URI");
        Errors.assertError(http.get("/api/search?k=8&text=cat"), 400, "between 1 and 7");
        assertEquals(200, http.get("/api/images/" + fixture.anyId() + "?size=32").statusCode());

        serving.interrupt();
        serving.join(30_000);
        assertFalse(serving.isAlive());
        assertEquals(0, exit.get());
        assertThrows(UncheckedIOException.class, () -> http.get("/health"), "the port is closed");
    }

    @Test
    void aModelThatCannotLoadEndsTheCommandWithAnError() throws Exception {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ServeCommand()).setErr(new PrintWriter(err));
        int code = cli.execute("--store", "lucene:" + fixture.workDir.resolve("index"),
                "--model", fixture.workDir.resolve("no-such-model").toString(), "--port", Integer.toString(freePort()));
        assertEquals(1, code);
        assertTrue(err.toString().contains("cannot load the model"), err.toString());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ServeCommand()).setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("--store", "lucene:/x", "--model", "/m", "--port", "70000"));
        assertTrue(err.toString().contains("port must be between 0 and 65535"), err.toString());
        assertEquals(2, cli.execute("--store", "lucene:/x", "--model", "/m", "--max-k", "0"));
        assertEquals(2, cli.execute("--store", "lucene:/x", "--model", "/m", "--max-threads", "2"));
        assertTrue(err.toString().contains("max threads must be between 8 and 10000, got 2"), err.toString());
        assertEquals(2, cli.execute("--store", "lucene:/x", "--model", "/m", "--header-timeout", "0"));
        assertTrue(err.toString().contains("header timeout must be at least 1 ms"), err.toString());
        assertEquals(2, cli.execute("--store", "lucene:/x", "--model", "/m", "--workers", "0"));
        assertTrue(err.toString().contains("workers must be between 1 and 1024, got 0"), err.toString());
        assertEquals(2, cli.execute("--model", "/m"));
        assertTrue(err.toString().contains("--store"), err.toString());
    }

    @Test
    void aMissingStoreIsAOneLineErrorAndCreatesNothing() throws Exception {
        Path missing = fixture.workDir.resolve("typo").resolve("idx");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine().setErr(new PrintWriter(err, true));

        int code = cli.execute("serve", "--store", "lucene:" + missing, "--model", ServeFixture.MODEL_DIR.toString(),
                "--port", Integer.toString(freePort()));

        assertEquals(1, code, err.toString());
        assertEquals("imgsearch: error: no Lucene index at " + missing + ": the directory does not exist",
                err.toString().strip());
        assertFalse(Files.exists(missing.getParent()), "serve must not create a store");
    }

    @Test
    void aStoreOfAnotherModelIsRefusedUnlessAllowed() throws Exception {
        Path index = fixture.workDir.resolve("other-model-index");
        try (VectorStore other = StoreUri.parse("lucene:" + index).open(OpenMode.CREATE_OR_WRITE)) {
            other.recordModel(new ModelIdentity("other", "cd".repeat(32)));
            float[] vector = new float[64];
            vector[0] = 1;
            other.upsert(List.of(new VectorRecord("only", vector, Map.of("uri", "file:/only.png"))));
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine().setErr(new PrintWriter(err, true));

        int code = cli.execute("serve", "--store", "lucene:" + index, "--model", ServeFixture.MODEL_DIR.toString(),
                "--port", Integer.toString(freePort()));

        assertEquals(1, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("imgsearch: error: lucene:" + index
                + " holds embeddings of model other (sha256 cdcdcdcdcdcd), not of tiny-clip-test (sha256 "), err.toString());

        int port = freePort();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread serving = new Thread(() -> exit.set(new CommandLine(new ServeCommand()).execute(
                "--store", "lucene:" + index, "--model", ServeFixture.MODEL_DIR.toString(),
                "--port", Integer.toString(port), "--allow-other-model")));
        serving.start();
        assertEquals(1, Http.json(waitForReady(new Http(port))).get("images").asInt());
        serving.interrupt();
        serving.join(30_000);
        assertEquals(0, exit.get());
    }

    @Test
    void aTokenProtectedChromaIsServedWithItsTokenAndRefusedWithoutIt() throws Exception {
        Path token = Files.writeString(fixture.workDir.resolve("serve.token"), "serve-t0ken");
        try (ChromaServer chroma = ChromaServer.start(fixture.workDir.resolve("token-chroma"));
             ChromaProxy proxy = ChromaProxy.bearer(chroma.url(), "serve-t0ken")) {
            String store = "chroma:" + proxy.url() + "/served?token=file:" + token + "&token-header=authorization";
            try (VectorStore lucene = StoreUri.parse("lucene:" + fixture.workDir.resolve("index")).open(OpenMode.READ_ONLY);
                 VectorStore served = StoreUri.parse(store).open(OpenMode.CREATE_OR_WRITE)) {
                served.upsert(fixture.images.keySet().stream().map(id -> lucene.get(id).orElseThrow()).toList());
            }
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine().setErr(new PrintWriter(err, true));

            int code = cli.execute("serve", "--store", "chroma:" + proxy.url() + "/served",
                    "--model", ServeFixture.MODEL_DIR.toString(), "--port", Integer.toString(freePort()));

            assertEquals(1, code, err.toString());
            assertEquals(1, err.toString().strip().lines().count(), err.toString());
            assertTrue(err.toString().startsWith("imgsearch: error: Chroma at " + proxy.url())
                    && err.toString().contains("answered 401") && err.toString().contains("?token=env:VARIABLE"),
                    err.toString());

            int port = freePort();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread serving = new Thread(() -> exit.set(Main.commandLine().execute("serve", "--store", store,
                    "--model", ServeFixture.MODEL_DIR.toString(), "--port", Integer.toString(port))));
            serving.start();
            Http http = new Http(port);
            assertEquals(fixture.images.size(), Http.json(waitForReady(http)).get("images").asInt());
            assertEquals(3, Http.json(http.get("/api/search?k=3&text=cat")).get("results").size());
            serving.interrupt();
            serving.join(30_000);
            assertEquals(0, exit.get());
        }
    }

    @Test
    void aMalformedStoreUriIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine().setErr(new PrintWriter(err, true));

        assertEquals(2, cli.execute("serve", "--store", "lucene:/x?kind=ivf", "--model", "/m"));
        assertTrue(err.toString().contains("unknown Lucene index kind 'ivf'"), err.toString());
    }

    private static HttpResponse<byte[]> waitForReady(Http http) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<byte[]> response = http.get("/ready");
                if (response.statusCode() == 200) {
                    return response;
                }
            } catch (UncheckedIOException e) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server never became ready");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

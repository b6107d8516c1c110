package dev.imgsearch.model;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFetcherTest {

    @TempDir
    Path temp;

    private TestServer server;
    private Path cache;
    private String zipSha256;

    @BeforeEach
    void serveTinyModelZip() throws IOException {
        cache = temp.resolve("cache");
        Path zip = TestFiles.zip(temp.resolve("m.zip"), TestFiles.tinyModelEntries(""));
        byte[] bytes = Files.readAllBytes(zip);
        zipSha256 = TestFiles.sha256(bytes);
        server = new TestServer();
        server.serve("/m.zip", bytes);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private ModelLocation served(String sha256) {
        return ModelLocation.parse(server.url("/m.zip") + "#sha256=" + sha256);
    }

    private static void assertTinyModel(Path dir) throws IOException {
        assertEquals("tiny-clip-test", ModelDescriptor.read(dir).name());
        assertTrue(Files.isRegularFile(dir.resolve("model.pt")));
        assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));
    }

    private List<Path> cacheEntries() throws IOException {
        Path models = cache.resolve("models");
        if (!Files.isDirectory(models)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(models)) {
            return entries.toList();
        }
    }

    private List<Path> stagingLeftovers() throws IOException {
        Path tmp = cache.resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.toList();
        }
    }

    @Test
    void urlIsDownloadedOnceVerifiedAndThenServedFromTheCacheWithoutARequest() throws IOException {
        Path first = new ModelFetcher(cache).fetch(served(zipSha256));
        assertTinyModel(first);
        assertEquals(1, server.requests());

        Path second = new ModelFetcher(cache).fetch(served(zipSha256));
        assertEquals(first, second);
        assertEquals(1, server.requests(), "a cached model must not be requested again");
        assertTrue(stagingLeftovers().isEmpty());
    }

    @Test
    void wrongChecksumIsAOneLineErrorAndCachesNothing() throws IOException {
        String wrong = "0".repeat(64);
        IOException e = assertThrows(IOException.class, () -> new ModelFetcher(cache).fetch(served(wrong)));
        assertTrue(e.getMessage().startsWith("sha256 mismatch for " + server.url("/m.zip")), e.getMessage());
        assertTrue(e.getMessage().contains(zipSha256), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(cacheEntries().isEmpty(), "no cache entry after a bad checksum");
        assertTrue(stagingLeftovers().isEmpty(), "no partial download left behind");

        assertTinyModel(new ModelFetcher(cache).fetch(served(zipSha256)));
    }

    @Test
    void concurrentThreadsDownloadOnce() throws Exception {
        server.delay(300);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                // Separate fetchers, as separate Spark tasks would have.
                results.add(pool.submit(() -> new ModelFetcher(cache).fetch(served(zipSha256))));
            }
            Path first = results.get(0).get();
            for (Future<Path> result : results) {
                assertEquals(first, result.get());
            }
            assertTinyModel(first);
            assertEquals(1, server.requests());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentProcessesDownloadOnce() throws Exception {
        server.delay(500);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    FetchMain.class.getName(), cache.toString(), served(zipSha256).toString())
                    .redirectErrorStream(true).start());
        }
        List<String> printed = new ArrayList<>();
        for (Process process : processes) {
            String output = new String(process.getInputStream().readAllBytes()).strip();
            assertEquals(0, process.waitFor(), output);
            printed.add(output.lines().reduce((a, b) -> b).orElse(""));
        }
        assertEquals(printed.get(0), printed.get(1));
        assertTinyModel(Path.of(printed.get(0)));
        assertEquals(1, server.requests(), "two processes sharing a cache download once");
    }

    @Test
    void unreachableServerIsAOneLineOfflineError() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ModelLocation location = ModelLocation.parse(
                "http://127.0.0.1:" + closedPort + "/m.zip#sha256=" + zipSha256);
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                () -> new ModelFetcher(cache).fetch(location));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("--model DIR|ZIP|URL"), e.getMessage());
        assertTrue(cacheEntries().isEmpty());
    }

    @Test
    void missingFileOnTheServerIsAnError() {
        ModelLocation location = ModelLocation.parse(server.url("/missing.zip") + "#sha256=" + zipSha256);
        IOException e = assertThrows(IOException.class, () -> new ModelFetcher(cache).fetch(location));
        assertEquals("HTTP 404 for " + server.url("/missing.zip"), e.getMessage());
    }

    @Test
    void localZipIsUnpackedOnceIntoTheCache() throws IOException {
        Path zip = TestFiles.zip(temp.resolve("local.zip"), TestFiles.tinyModelEntries(""));
        Path dir = new ModelFetcher(cache).fetch(ModelLocation.parse(zip.toString()));
        assertTinyModel(dir);
        assertTrue(dir.startsWith(cache));
        assertEquals(dir, new ModelFetcher(cache).fetch(ModelLocation.parse(zip.toString())));
        assertEquals(1, cacheEntries().size());
    }

    @Test
    void zipWithOneTopLevelFolderIsAccepted() throws IOException {
        Path zip = TestFiles.zip(temp.resolve("nested.zip"), TestFiles.tinyModelEntries("tiny-clip/"));
        Path dir = new ModelFetcher(cache).fetch(ModelLocation.parse(zip.toString()));
        assertTinyModel(dir);
        assertEquals("tiny-clip", dir.getFileName().toString());
    }

    @Test
    void zipWithoutDescriptorIsRejectedAndNotCached() throws IOException {
        Path zip = TestFiles.zip(temp.resolve("bare.zip"), Map.of("model.pt", TinyClip.dir().resolve("model.pt")));
        IOException e = assertThrows(IOException.class,
                () -> new ModelFetcher(cache).fetch(ModelLocation.parse(zip.toString())));
        assertTrue(e.getMessage().contains("holds no imgsearch-model.json"), e.getMessage());
        assertTrue(cacheEntries().isEmpty());
    }

    @Test
    void zipEntriesEscapingTheFolderAreRefused() throws IOException {
        Map<String, Path> entries = new LinkedHashMap<>(TestFiles.tinyModelEntries(""));
        entries.put("../escaped.txt", TinyClip.dir().resolve("tokenizer.json"));
        Path zip = TestFiles.zip(temp.resolve("evil.zip"), entries);
        IOException e = assertThrows(IOException.class,
                () -> new ModelFetcher(cache).fetch(ModelLocation.parse(zip.toString())));
        assertTrue(e.getMessage().contains("outside its folder"), e.getMessage());
        assertTrue(cacheEntries().isEmpty());
        assertFalse(Files.exists(cache.resolve("tmp").resolve("escaped.txt")));
    }

    @Test
    void directoryIsUsedInPlace() throws IOException {
        assertEquals(TinyClip.dir(), new ModelFetcher(cache).fetch(ModelLocation.parse(TinyClip.dir().toString())));
        assertTrue(cacheEntries().isEmpty());
    }

    @Test
    void directoryWithoutDescriptorIsAClearError() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        IOException e = assertThrows(IOException.class,
                () -> new ModelFetcher(cache).fetch(ModelLocation.parse(empty.toString())));
        assertTrue(e.getMessage().contains("no imgsearch-model.json"), e.getMessage());
    }

    @Test
    void hadoopFileSystemUriIsFetchedOnceUntilTheFileChanges() throws Exception {
        Path zip = TestFiles.zip(temp.resolve("h.zip"), TestFiles.tinyModelEntries(""));
        Configuration conf = new Configuration(false);
        conf.set("fs.counting.impl", CountingFileSystem.class.getName());
        conf.setBoolean("fs.counting.impl.disable.cache", true);
        ModelLocation location = ModelLocation.parse("counting://" + zip.toUri().getPath());
        assertEquals(ModelLocation.Kind.HADOOP, location.kind());
        CountingFileSystem.OPENS.set(0);

        Path first = new ModelFetcher(cache, conf).fetch(location);
        assertTinyModel(first);
        assertEquals(first, new ModelFetcher(cache, conf).fetch(location));
        assertEquals(1, CountingFileSystem.OPENS.get());

        Files.setLastModifiedTime(zip, FileTime.fromMillis(
                Files.getLastModifiedTime(zip).toMillis() + 60_000));
        Path replaced = new ModelFetcher(cache, conf).fetch(location);
        assertFalse(first.equals(replaced), "a replaced file is fetched again");
        assertEquals(2, CountingFileSystem.OPENS.get());
    }

    @Test
    void hadoopSchemeWithoutConnectorIsAClearError() {
        ModelLocation location = ModelLocation.parse("nosuchfs://bucket/model.zip");
        IOException e = assertThrows(IOException.class,
                () -> new ModelFetcher(cache, new Configuration(false)).fetch(location));
        assertTrue(e.getMessage().startsWith("no Hadoop file system for nosuchfs://"), e.getMessage());
    }
}

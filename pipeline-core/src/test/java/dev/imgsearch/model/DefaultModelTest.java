package dev.imgsearch.model;

import ai.djl.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default model path, with its URLs pointed at a loopback server that serves the tiny model in DJL's layout. */
class DefaultModelTest {

    private static final List<String> PROPERTIES = List.of("imgsearch.default-model.url",
            "imgsearch.default-model.sha256", "imgsearch.default-tokenizer.url", "imgsearch.default-tokenizer.sha256");

    @TempDir
    Path temp;

    private TestServer server;
    private Path cache;
    private byte[] zip;
    private byte[] tokenizer;

    @BeforeEach
    void serveDefaultModelArtifacts() throws IOException {
        cache = temp.resolve("cache");
        // DJL's clip.zip holds the TorchScript file only; the descriptor is synthesised on our side.
        zip = Files.readAllBytes(TestFiles.zip(temp.resolve("clip.zip"),
                Map.of("clip/clip.pt", TinyClip.dir().resolve("model.pt"))));
        tokenizer = Files.readAllBytes(TinyClip.dir().resolve("tokenizer.json"));
        server = new TestServer();
        server.serve("/demo/pytorch/clip.zip", zip);
        server.serve("/openai/tokenizer.json", tokenizer);
        System.setProperty("imgsearch.default-model.url", server.url("/demo/pytorch/clip.zip"));
        System.setProperty("imgsearch.default-tokenizer.url", server.url("/openai/tokenizer.json"));
    }

    @AfterEach
    void reset() {
        PROPERTIES.forEach(System::clearProperty);
        server.close();
    }

    private void pinChecksums(String modelSha256, String tokenizerSha256) {
        System.setProperty("imgsearch.default-model.sha256", modelSha256);
        System.setProperty("imgsearch.default-tokenizer.sha256", tokenizerSha256);
    }

    private boolean cacheIsEmpty() throws IOException {
        Path models = cache.resolve("models");
        if (!Files.isDirectory(models)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(models)) {
            return entries.findAny().isEmpty();
        }
    }

    @Test
    void firstUseDownloadsAndVerifiesThenTheCacheAnswersWithoutARequest() throws IOException {
        pinChecksums(TestFiles.sha256(zip), TestFiles.sha256(tokenizer));
        Path dir = new ModelFetcher(cache).fetch(ModelLocation.defaultModel());
        assertEquals(2, server.requests());

        ModelDescriptor descriptor = ModelDescriptor.read(dir);
        assertEquals(DefaultModel.NAME, descriptor.name());
        assertEquals(512, descriptor.embeddingDim());
        assertEquals(224, descriptor.imageSize());
        assertEquals(77, descriptor.contextLength());
        assertArrayEquals(new float[] {0.48145466f, 0.4578275f, 0.40821073f}, descriptor.mean());
        assertEquals("clip/clip.pt", descriptor.modelFile());
        assertTrue(descriptor.cpuOnly());
        assertArrayEquals(tokenizer, Files.readAllBytes(dir.resolve("tokenizer.json")));
        assertFalse(Files.exists(dir.resolve(".download.zip")));

        assertEquals(dir, new ModelFetcher(cache).fetch(ModelLocation.parse(null)));
        assertEquals(2, server.requests(), "the cached default model must not be requested again");
    }

    @Test
    void synthesisedDescriptorIsCheckedAgainstWhatTheModelReturns() throws IOException {
        pinChecksums(TestFiles.sha256(zip), TestFiles.sha256(tokenizer));
        Path dir = new ModelFetcher(cache).fetch(ModelLocation.defaultModel());
        // The served stand-in is the 64-dimensional tiny model, not ViT-B/32's 512: a mismatch must be loud.
        try (ClipModel model = ClipModel.load(dir, Device.cpu())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> model.embedTexts(List.of("a photo of a cat")));
            assertTrue(e.getMessage().contains("embedding_dim 512"), e.getMessage());
        }
    }

    @Test
    void wrongTokenizerChecksumIsAnErrorAndLeavesNoCacheEntry() throws IOException {
        pinChecksums(TestFiles.sha256(zip), "f".repeat(64));
        IOException e = assertThrows(IOException.class, () -> new ModelFetcher(cache).fetch(ModelLocation.defaultModel()));
        assertTrue(e.getMessage().startsWith("sha256 mismatch for " + server.url("/openai/tokenizer.json")),
                e.getMessage());
        assertTrue(cacheIsEmpty());

        System.setProperty("imgsearch.default-tokenizer.sha256", TestFiles.sha256(tokenizer));
        ModelDescriptor.read(new ModelFetcher(cache).fetch(ModelLocation.defaultModel()));
    }

    @Test
    void withoutPinnedChecksumsTheServersDeclaredDigestsAreChecked() throws IOException {
        String gitBlobSha1 = TestFiles.hex("SHA-1", concat(
                ("blob " + tokenizer.length + "\0").getBytes(StandardCharsets.US_ASCII), tokenizer));
        server.serve("/demo/pytorch/clip.zip", zip, Map.of("ETag", "\"" + TestFiles.hex("MD5", zip) + "\""));
        server.serve("/openai/tokenizer.json", tokenizer, Map.of("ETag", "\"" + gitBlobSha1 + "\""));
        ModelDescriptor.read(new ModelFetcher(cache).fetch(ModelLocation.defaultModel()));
    }

    @Test
    void aDownloadThatContradictsTheServersDigestIsRejected() throws IOException {
        server.serve("/demo/pytorch/clip.zip", zip, Map.of("ETag", "\"" + TestFiles.hex("MD5", tokenizer) + "\""));
        IOException e = assertThrows(IOException.class, () -> new ModelFetcher(cache).fetch(ModelLocation.defaultModel()));
        assertTrue(e.getMessage().contains("does not match the md5 in the server's ETag"), e.getMessage());
        assertTrue(cacheIsEmpty());
    }

    @Test
    void offlineIsOneLineSayingHowToPassAModel() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        System.setProperty("imgsearch.default-model.url", "http://127.0.0.1:" + closedPort + "/clip.zip");
        ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                () -> new ModelFetcher(cache).fetch(ModelLocation.defaultModel()));
        assertTrue(e.getMessage().startsWith("cannot download the default CLIP model: cannot reach http://127.0.0.1:"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("pass --model DIR|ZIP|URL to use a model this machine can reach"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(cacheIsEmpty());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

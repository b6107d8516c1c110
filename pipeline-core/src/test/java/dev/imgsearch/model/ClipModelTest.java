package dev.imgsearch.model;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipModelTest {

    private static final double TOLERANCE = 1e-5;

    private static ClipModel model;
    private static JsonNode reference;
    private static float[][] images;
    private static List<String> texts;

    @BeforeAll
    static void load() throws Exception {
        Path dir = TinyClip.dir();
        model = ClipModel.load(dir, Device.cpu());
        reference = new ObjectMapper().readTree(dir.resolve("reference/reference.json").toFile());
        images = readImages(dir.resolve("reference").resolve(reference.get("image_file").asText()));
        texts = new ArrayList<>();
        reference.get("texts").forEach(t -> texts.add(t.asText()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static float[][] readImages(Path file) throws IOException {
        JsonNode shape = reference.get("image_shape");
        int count = shape.get(0).asInt();
        int per = shape.get(1).asInt() * shape.get(2).asInt() * shape.get(3).asInt();
        FloatBuffer floats = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        assertEquals(count * per, floats.remaining(), "reference image file size");
        float[][] out = new float[count][per];
        for (float[] image : out) {
            floats.get(image);
        }
        return out;
    }

    private static void assertClose(JsonNode expected, float[][] actual, String what) {
        assertEquals(expected.size(), actual.length, what + " rows");
        for (int r = 0; r < actual.length; r++) {
            assertEquals(expected.get(r).size(), actual[r].length, what + " dim");
            for (int c = 0; c < actual[r].length; c++) {
                assertEquals(expected.get(r).get(c).asDouble(), actual[r][c], TOLERANCE, what + " [" + r + "][" + c + "]");
            }
        }
    }

    @Test
    void imageEmbeddingsMatchPython() {
        assertClose(reference.get("image_features"), model.embedImages(images), "image features");
    }

    @Test
    void textEmbeddingsMatchPython() {
        assertClose(reference.get("text_features"), model.embedTexts(texts), "text features");
    }

    @Test
    void tokenIdsMatchPythonUpToTheLongestText() {
        ClipTokenizer.Tokens tokens = model.tokenize(texts);
        int longest = 0;
        for (JsonNode mask : reference.get("attention_mask")) {
            int ones = 0;
            for (JsonNode bit : mask) {
                ones += bit.asInt();
            }
            longest = Math.max(longest, ones);
        }
        assertEquals(longest, tokens.length(), "rows end after the longest text");
        for (int i = 0; i < texts.size(); i++) {
            long[] expectedIds = new long[longest];
            long[] expectedMask = new long[longest];
            for (int j = 0; j < longest; j++) {
                expectedIds[j] = reference.get("input_ids").get(i).get(j).asLong();
                expectedMask[j] = reference.get("attention_mask").get(i).get(j).asLong();
            }
            assertArrayEquals(expectedIds, tokens.ids()[i], "ids of " + texts.get(i));
            assertArrayEquals(expectedMask, tokens.attentionMask()[i], "mask of " + texts.get(i));
        }
    }

    @Test
    void embeddingsHaveTheDescriptorsDimensionAndUnitNorm() {
        List<float[]> all = new ArrayList<>(List.of(model.embedImages(images)));
        all.addAll(List.of(model.embedTexts(texts)));
        for (float[] embedding : all) {
            assertEquals(model.descriptor().embeddingDim(), embedding.length);
            double sum = 0;
            for (float v : embedding) {
                sum += v * v;
            }
            assertEquals(1.0, Math.sqrt(sum), 1e-5);
        }
    }

    @Test
    void batchOfOneAndBatchOfManyAgree() {
        float[][] batch = model.embedImages(new float[][] {images[2], images[0], images[1], images[0]});
        int[] order = {2, 0, 1, 0};
        for (int i = 0; i < order.length; i++) {
            assertArrayEquals(model.embedImages(new float[][] {images[order[i]]})[0], batch[i], 1e-5f);
        }
        float[][] textBatch = model.embedTexts(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(model.embedTexts(List.of(texts.get(i)))[0], textBatch[i], 1e-5f);
        }
    }

    @Test
    void concurrentCallersGetTheSameResultsAsOneCaller() throws Exception {
        float[][] expectedImages = model.embedImages(images);
        float[][] expectedTexts = model.embedTexts(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(i % 2 == 0 ? pool.submit(() -> model.embedImages(images))
                        : pool.submit(() -> model.embedTexts(texts)));
            }
            for (int i = 0; i < results.size(); i++) {
                float[][] expected = i % 2 == 0 ? expectedImages : expectedTexts;
                float[][] actual = results.get(i).get();
                for (int r = 0; r < expected.length; r++) {
                    assertArrayEquals(expected[r], actual[r], 1e-6f);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void emptyInputsGiveEmptyOutputs() {
        assertEquals(0, model.embedImages(new float[0][]).length);
        assertEquals(0, model.embedTexts(List.of()).length);
    }

    @Test
    void wrongPixelCountIsRejectedWithTheExpectedSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.embedImages(new float[][] {images[0], new float[10]}));
        assertEquals("image 1 has 10 pixel values; tiny-clip-test needs 3x224x224 = 150528", e.getMessage());
    }

    @Test
    void closedModelRefusesWork() throws IOException {
        ClipModel other = ClipModel.load(TinyClip.dir(), Device.cpu());
        other.close();
        other.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.embedTexts(texts));
        assertEquals("model tiny-clip-test is closed", e.getMessage());
    }

    @Test
    void directoryWithoutModelFileIsAClearError(@TempDir Path dir) throws IOException {
        Files.copy(TinyClip.dir().resolve(ModelDescriptor.FILE_NAME), dir.resolve(ModelDescriptor.FILE_NAME));
        Files.copy(TinyClip.dir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ClipModel.load(dir, Device.cpu()));
        assertEquals(dir.resolve("model.pt") + ": TorchScript model file missing", e.getMessage());
    }

    @Test
    void fileThatIsNotTorchScriptIsAClearError(@TempDir Path dir) throws IOException {
        Files.copy(TinyClip.dir().resolve(ModelDescriptor.FILE_NAME), dir.resolve(ModelDescriptor.FILE_NAME));
        Files.copy(TinyClip.dir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("model.pt"), "not a model");
        IOException e = assertThrows(IOException.class, () -> ClipModel.load(dir, Device.cpu()));
        assertTrue(e.getMessage().startsWith("cannot load " + dir.resolve("model.pt") + " on cpu()"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void brokenTokenizerIsAOneLineError(@TempDir Path dir) throws IOException {
        Files.copy(TinyClip.dir().resolve(ModelDescriptor.FILE_NAME), dir.resolve(ModelDescriptor.FILE_NAME));
        Files.copy(TinyClip.dir().resolve("model.pt"), dir.resolve("model.pt"));
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": 42}");
        IOException e = assertThrows(IOException.class, () -> ClipModel.load(dir, Device.cpu()));
        assertTrue(e.getMessage().startsWith("cannot load tokenizer " + dir.resolve("tokenizer.json")), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void cpuOnlyModelAskedForAGpuRunsOnTheCpu(@TempDir Path dir) throws IOException {
        Files.copy(TinyClip.dir().resolve("model.pt"), dir.resolve("model.pt"));
        Files.copy(TinyClip.dir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        ModelDescriptor tiny = model.descriptor();
        new ModelDescriptor(tiny.name(), tiny.embeddingDim(), tiny.imageSize(), tiny.mean(), tiny.std(),
                tiny.contextLength(), tiny.padId(), tiny.modelFile(), tiny.tokenizerFile(), true, tiny.textPadding(),
                tiny.testModel()).write(dir);
        try (ClipModel cpuOnly = ClipModel.load(dir, Device.gpu())) {
            assertEquals(Device.cpu(), cpuOnly.device());
            assertArrayEquals(model.embedTexts(texts.subList(0, 1))[0], cpuOnly.embedTexts(texts.subList(0, 1))[0]);
        }
    }
}

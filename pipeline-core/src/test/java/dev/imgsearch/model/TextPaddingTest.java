package dev.imgsearch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token rows cut after the longest text of a batch give the same embeddings as rows padded to the context length,
 * for the tiny model and for a model with CLIP ViT-B/32's text tower; a model that needs the full context says so
 * in its descriptor and gets it.
 */
class TextPaddingTest {

    /** Short and long texts in one batch: the short ones are padded to the longest, which is far below 77 tokens. */
    private static final List<String> TEXTS = List.of(
            "a cat", "a photo of a dog running on the beach", "", "東京タワーの夜景 🗼🐱",
            "it's the dog's ball, isn't it? they'll see; we'd go", "a bowl of fresh fruit on a wooden table");

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void tinyModelTrimmedAndPaddedEmbeddingsAreEqual() throws IOException {
        assertTrimmedEqualsPadded(TinyClip.dir(), TEXTS.size());
    }

    @Test
    void vitB32SizedTextTowerTrimmedAndPaddedEmbeddingsAreEqual() throws Exception {
        Path model = PythonClipModels.vitB32SizedText(dir.resolve("vit-b-32-text"));
        assertEquals(TextPadding.LONGEST, ModelDescriptor.read(model).textPadding(), "the tool measured it");
        assertTrimmedEqualsPadded(model, 2);
    }

    @Test
    void aModelThatNeedsTheFullContextSaysSoAndIsPadded() throws Exception {
        Path model = dir.resolve("full-context");
        PythonClipModels.run("tiny", model.toString(), "--full-context");
        PythonClipModels.run("reference", model.toString(), model.resolve("reference").toString());
        ModelDescriptor descriptor = ModelDescriptor.read(model);
        assertEquals(TextPadding.MAX_LENGTH, descriptor.textPadding(), "the tool measured that trimming fails");

        JsonNode reference = JSON.readTree(model.resolve("reference/reference.json").toFile());
        List<String> texts = new ArrayList<>();
        reference.get("texts").forEach(t -> texts.add(t.asText()));
        try (ClipModel padded = ClipModel.load(model, Device.cpu())) {
            assertEquals(77, padded.tokenize(TEXTS).length());
            float[][] embeddings = padded.embedTexts(texts);
            for (int i = 0; i < texts.size(); i++) {
                for (int c = 0; c < embeddings[i].length; c++) {
                    assertEquals(reference.get("text_features").get(i).get(c).asDouble(), embeddings[i][c], 1e-5,
                            "text " + i + " [" + c + "] against Python");
                }
            }
        }
        Path trimmed = withTextPadding(model, dir.resolve("forced-longest"), "longest");
        try (ClipModel wrong = ClipModel.load(trimmed, Device.cpu())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrong.embedTexts(TEXTS));
            assertTrue(e.getMessage().contains("get_text_features failed"), e.getMessage());
        }
    }

    /**
     * Embeds {@link #TEXTS} as one batch, and the first {@code alone} of them one by one, trimmed and padded, and
     * requires equal embeddings.
     */
    private void assertTrimmedEqualsPadded(Path modelDir, int alone) throws IOException {
        Path paddedDir = withTextPadding(modelDir, dir.resolve("padded-" + modelDir.getFileName()), "max_length");
        try (ClipModel trimmed = ClipModel.load(modelDir, Device.cpu());
             ClipModel padded = ClipModel.load(paddedDir, Device.cpu())) {
            int longest = trimmed.tokenize(TEXTS).length();
            assertTrue(longest > 2 && longest < 30, "the batch is cut after its longest text: " + longest);
            assertEquals(trimmed.descriptor().contextLength(), padded.tokenize(TEXTS).length());
            assertClose(padded.embedTexts(TEXTS), trimmed.embedTexts(TEXTS), "batch");
            for (String text : TEXTS.subList(0, alone)) {
                assertClose(padded.embedTexts(List.of(text)), trimmed.embedTexts(List.of(text)), "'" + text + "' alone");
            }
        }
    }

    private static void assertClose(float[][] expected, float[][] actual, String what) {
        for (int r = 0; r < expected.length; r++) {
            for (int c = 0; c < expected[r].length; c++) {
                assertEquals(expected[r][c], actual[r][c], 1e-6, what + " row " + r + " [" + c + "]");
            }
        }
    }

    /** A copy of the model whose descriptor differs only in {@code text_padding}. */
    private static Path withTextPadding(Path modelDir, Path copy, String padding) throws IOException {
        Files.createDirectories(copy);
        ObjectNode descriptor = (ObjectNode) JSON.readTree(modelDir.resolve(ModelDescriptor.FILE_NAME).toFile());
        descriptor.put("text_padding", padding);
        JSON.writeValue(copy.resolve(ModelDescriptor.FILE_NAME).toFile(), descriptor);
        for (String file : List.of(descriptor.path("model_file").asText("model.pt"),
                descriptor.path("tokenizer_file").asText("tokenizer.json"))) {
            Files.copy(modelDir.resolve(file), copy.resolve(file));
        }
        return copy;
    }
}

package dev.imgsearch.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelDescriptorTest {

    @TempDir
    Path dir;

    @Test
    void readsTheDescriptorWrittenByThePythonTool() throws IOException {
        ModelDescriptor d = ModelDescriptor.read(TinyClip.dir());
        assertEquals("tiny-clip-test", d.name());
        assertEquals(64, d.embeddingDim());
        assertEquals(224, d.imageSize());
        assertArrayEquals(new float[] {0.48145466f, 0.4578275f, 0.40821073f}, d.mean());
        assertArrayEquals(new float[] {0.26862954f, 0.26130258f, 0.27577711f}, d.std());
        assertEquals(77, d.contextLength());
        assertEquals(0, d.padId());
        assertEquals("model.pt", d.modelFile());
        assertEquals("tokenizer.json", d.tokenizerFile());
        assertFalse(d.cpuOnly());
        assertEquals(TextPadding.LONGEST, d.textPadding());
        assertTrue(d.testModel(), "the random-weight fixture says it is a test model");
    }

    @Test
    void optionalFieldsDefaultAndUnknownFieldsAreIgnored() throws IOException {
        Files.writeString(dir.resolve(ModelDescriptor.FILE_NAME), """
                {"name": "m", "embedding_dim": 8, "image_size": 32, "mean": [0, 0, 0], "std": [1, 1, 1],
                 "context_length": 16, "comment": "from a newer tool"}
                """);
        ModelDescriptor d = ModelDescriptor.read(dir);
        assertEquals("model.pt", d.modelFile());
        assertEquals("tokenizer.json", d.tokenizerFile());
        assertEquals(0, d.padId());
        assertFalse(d.cpuOnly());
        assertEquals(TextPadding.LONGEST, d.textPadding());
        assertFalse(d.testModel());
    }

    @Test
    void textPaddingIsReadByItsTokenizerName() throws IOException {
        Files.writeString(dir.resolve(ModelDescriptor.FILE_NAME), """
                {"name": "m", "embedding_dim": 8, "image_size": 32, "mean": [0, 0, 0], "std": [1, 1, 1],
                 "context_length": 16, "text_padding": "max_length"}
                """);
        assertEquals(TextPadding.MAX_LENGTH, ModelDescriptor.read(dir).textPadding());
        Files.writeString(dir.resolve(ModelDescriptor.FILE_NAME), """
                {"name": "m", "embedding_dim": 8, "image_size": 32, "mean": [0, 0, 0], "std": [1, 1, 1],
                 "context_length": 16, "text_padding": "shortest"}
                """);
        IOException e = assertThrows(IOException.class, () -> ModelDescriptor.read(dir));
        assertTrue(e.getMessage().contains("shortest") && e.getMessage().contains("max_length"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void writeThenReadGivesTheSameDescriptor() throws IOException {
        ModelDescriptor d = DefaultModel.descriptor("clip/clip.pt");
        d.write(dir);
        assertEquals(d, ModelDescriptor.read(dir));
        assertTrue(Files.readString(dir.resolve(ModelDescriptor.FILE_NAME)).contains("\"embedding_dim\" : 512"));
    }

    @Test
    void invalidValuesAreOneLineErrorsNamingTheFile() throws IOException {
        Files.writeString(dir.resolve(ModelDescriptor.FILE_NAME), """
                {"name": "m", "embedding_dim": 8, "image_size": 32, "mean": [0, 0], "std": [1, 1, 1],
                 "context_length": 16}
                """);
        IOException e = assertThrows(IOException.class, () -> ModelDescriptor.read(dir));
        assertTrue(e.getMessage().startsWith("cannot read " + dir.resolve(ModelDescriptor.FILE_NAME)), e.getMessage());
        assertTrue(e.getMessage().contains("mean and std need 3 values each"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void missingDescriptorSaysHowToMakeOne() {
        IOException e = assertThrows(IOException.class, () -> ModelDescriptor.read(dir));
        assertTrue(e.getMessage().contains("not a model directory: no imgsearch-model.json"), e.getMessage());
    }
}

package dev.imgsearch.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import dev.imgsearch.common.OneLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a CLIP model directory declares about itself: the {@value #FILE_NAME} file, written by
 * {@code tools/clip_model.py} (snake_case keys: {@code embedding_dim}, {@code image_size}, {@code context_length},
 * {@code pad_id}, {@code model_file}, {@code tokenizer_file}, {@code cpu_only}, {@code text_padding}, {@code test_model}).
 *
 * @param name           recorded with every embedding ({@code EmbeddingRecord.model})
 * @param embeddingDim   length of the image and text embeddings
 * @param imageSize      S: the model takes [B,3,S,S] pixels (shortest side resized to S, then centre-cropped)
 * @param mean           per-channel mean subtracted from pixels scaled to [0,1]
 * @param std            per-channel standard deviation the pixels are divided by
 * @param contextLength  L: token rows are SOT + text + EOT, truncated to L with EOT kept last
 * @param padId          token id written after EOT (the attention mask is 0 there)
 * @param modelFile      TorchScript file, relative to the directory (default {@code model.pt})
 * @param tokenizerFile  Hugging Face tokenizer.json, relative to the directory (default {@code tokenizer.json})
 * @param cpuOnly        true for TorchScript traced with CPU constants in its graph, which cannot run on a GPU
 * @param textPadding    how long a batch's token rows are (default {@link TextPadding#LONGEST})
 * @param testModel      true for random-weight models that prove the pipeline but cannot find anything: whoever
 *                       serves one says so to its users
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelDescriptor(
        String name,
        int embeddingDim,
        int imageSize,
        float[] mean,
        float[] std,
        int contextLength,
        long padId,
        String modelFile,
        String tokenizerFile,
        boolean cpuOnly,
        TextPadding textPadding,
        boolean testModel) {

    public static final String FILE_NAME = "imgsearch-model.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ModelDescriptor {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model descriptor: name is missing");
        }
        if (embeddingDim <= 0 || imageSize <= 0 || contextLength < 2) {
            throw new IllegalArgumentException("model descriptor " + name
                    + ": embedding_dim and image_size must be positive and context_length at least 2");
        }
        if (mean == null || mean.length != 3 || std == null || std.length != 3) {
            throw new IllegalArgumentException("model descriptor " + name + ": mean and std need 3 values each");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("model descriptor " + name + ": std values must be positive");
            }
        }
        mean = mean.clone();
        std = std.clone();
        modelFile = modelFile == null ? "model.pt" : modelFile;
        tokenizerFile = tokenizerFile == null ? "tokenizer.json" : tokenizerFile;
        textPadding = textPadding == null ? TextPadding.LONGEST : textPadding;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Reads {@value #FILE_NAME} from a model directory. */
    public static ModelDescriptor read(Path modelDir) throws IOException {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    "not a model directory: no " + FILE_NAME + " (write one with tools/clip_model.py)");
        }
        try {
            return JSON.readValue(file.toFile(), ModelDescriptor.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("cannot read " + file + ": " + OneLine.of(e), e);
        }
    }

    /** Writes this descriptor as {@value #FILE_NAME} into a directory. */
    public void write(Path modelDir) throws IOException {
        JSON.writeValue(modelDir.resolve(FILE_NAME).toFile(), this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelDescriptor d && name.equals(d.name) && embeddingDim == d.embeddingDim
                && imageSize == d.imageSize && Arrays.equals(mean, d.mean) && Arrays.equals(std, d.std)
                && contextLength == d.contextLength && padId == d.padId && modelFile.equals(d.modelFile)
                && tokenizerFile.equals(d.tokenizerFile) && cpuOnly == d.cpuOnly && textPadding == d.textPadding
                && testModel == d.testModel;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(mean) + 17 * Arrays.hashCode(std) + embeddingDim;
    }

    @Override
    public String toString() {
        return "ModelDescriptor[name=" + name + ", embeddingDim=" + embeddingDim + ", imageSize=" + imageSize
                + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ", contextLength="
                + contextLength + ", padId=" + padId + ", modelFile=" + modelFile + ", tokenizerFile="
                + tokenizerFile + ", cpuOnly=" + cpuOnly + ", textPadding=" + textPadding + ", testModel=" + testModel
                + "]";
    }
}

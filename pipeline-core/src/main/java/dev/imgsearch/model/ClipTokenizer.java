package dev.imgsearch.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * CLIP text tokenization with a Hugging Face tokenizer.json: SOT + tokens + EOT, truncated to the context length
 * (EOT kept last, as OpenAI's {@code clip.tokenize(truncate=True)} does) and padded to exactly the context length,
 * because CLIP text towers are built for that fixed length. Thread-safe.
 */
public final class ClipTokenizer implements AutoCloseable {

    /** Token ids and attention mask, both [texts][contextLength]; the mask is 1 from SOT to EOT and 0 after. */
    public record Tokens(long[][] ids, long[][] attentionMask) {
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int contextLength;
    private final long padId;

    private ClipTokenizer(HuggingFaceTokenizer tokenizer, int contextLength, long padId) {
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.padId = padId;
    }

    public static ClipTokenizer load(Path tokenizerJson, int contextLength, long padId) throws IOException {
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(true)
                .optTruncation(true)
                .optMaxLength(contextLength)
                .optPadding(false)
                .build();
        return new ClipTokenizer(tokenizer, contextLength, padId);
    }

    public Tokens encode(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        long[][] ids = new long[texts.size()][contextLength];
        long[][] mask = new long[texts.size()][contextLength];
        for (int i = 0; i < encodings.length; i++) {
            long[] tokens = encodings[i].getIds();
            if (tokens.length > contextLength) {
                throw new IllegalStateException("tokenizer returned " + tokens.length
                        + " tokens for a context length of " + contextLength);
            }
            System.arraycopy(tokens, 0, ids[i], 0, tokens.length);
            Arrays.fill(ids[i], tokens.length, contextLength, padId);
            Arrays.fill(mask[i], 0, tokens.length, 1L);
        }
        return new Tokens(ids, mask);
    }

    public int contextLength() {
        return contextLength;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

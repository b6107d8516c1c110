package dev.imgsearch.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * CLIP text tokenization with a Hugging Face tokenizer.json: SOT + tokens + EOT, truncated to the context length
 * (EOT kept last, as OpenAI's {@code clip.tokenize(truncate=True)} does), then padded as the model's
 * {@link TextPadding} says: to the longest text of the batch, or to exactly the context length. Thread-safe.
 */
public final class ClipTokenizer implements AutoCloseable {

    /** Token ids and attention mask, both [texts][length]; the mask is 1 from SOT to EOT and 0 after. */
    public record Tokens(long[][] ids, long[][] attentionMask) {

        /** The length of every row (0 for no texts). */
        public int length() {
            return ids.length == 0 ? 0 : ids[0].length;
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int contextLength;
    private final long padId;
    private final TextPadding padding;

    private ClipTokenizer(HuggingFaceTokenizer tokenizer, int contextLength, long padId, TextPadding padding) {
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.padId = padId;
        this.padding = padding;
    }

    public static ClipTokenizer load(Path tokenizerJson, int contextLength, long padId, TextPadding padding)
            throws IOException {
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(true)
                .optTruncation(true)
                .optMaxLength(contextLength)
                .optPadding(false)
                .build();
        return new ClipTokenizer(tokenizer, contextLength, padId, padding);
    }

    public Tokens encode(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        long[][] tokens = new long[encodings.length][];
        int longest = 0;
        for (int i = 0; i < encodings.length; i++) {
            tokens[i] = encodings[i].getIds();
            if (tokens[i].length > contextLength) {
                throw new IllegalStateException("tokenizer returned " + tokens[i].length
                        + " tokens for a context length of " + contextLength);
            }
            longest = Math.max(longest, tokens[i].length);
        }
        int length = padding == TextPadding.MAX_LENGTH ? contextLength : longest;
        long[][] ids = new long[texts.size()][length];
        long[][] mask = new long[texts.size()][length];
        for (int i = 0; i < tokens.length; i++) {
            System.arraycopy(tokens[i], 0, ids[i], 0, tokens[i].length);
            Arrays.fill(ids[i], tokens[i].length, length, padId);
            Arrays.fill(mask[i], 0, tokens[i].length, 1L);
        }
        return new Tokens(ids, mask);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

package dev.imgsearch.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How long the token rows of a text batch are, the descriptor's {@code text_padding} (the names of Hugging Face
 * tokenizers' {@code padding} modes).
 *
 * <p>CLIP text towers attend causally and read the embedding at the end-of-text token, so the padding after it never
 * reaches the result: a batch cut after its longest sequence embeds exactly as one padded to the context length, at a
 * fraction of the cost (77 positions against ~10 for a short query). That holds for towers that slice their position
 * table to the input's length (Hugging Face's CLIPModel, open_clip, every graph {@code tools/clip_model.py} writes);
 * a tower that adds a fixed table of context-length positions (OpenAI's original {@code clip} module) needs rows of
 * exactly the context length.
 */
public enum TextPadding {

    /** Rows end after the batch's longest tokenized text; shorter texts are padded to it. The default. */
    @JsonProperty("longest")
    LONGEST,

    /** Rows are always the context length. */
    @JsonProperty("max_length")
    MAX_LENGTH
}

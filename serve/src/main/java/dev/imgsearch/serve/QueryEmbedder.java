package dev.imgsearch.serve;

import dev.imgsearch.decode.ImageDecodeException;
import dev.imgsearch.decode.ImageFormat;
import dev.imgsearch.embed.ClipEmbedder;
import java.util.List;

/**
 * Embeds queries exactly as the embed job embeds images (same decoder, same preprocessing, same model), so query and
 * index vectors are comparable.
 */
final class QueryEmbedder {

    private final ClipEmbedder embedder;
    private final ServerMetrics metrics;

    QueryEmbedder(ClipEmbedder embedder, ServerMetrics metrics) {
        this.embedder = embedder;
        this.metrics = metrics;
    }

    String modelName() {
        return embedder.descriptor().name();
    }

    float[] text(String text) {
        long start = System.nanoTime();
        float[] vector = embedder.embedTexts(List.of(text))[0];
        metrics.embedded("text", start);
        return vector;
    }

    /** The embedding of uploaded bytes, which must be an image by content; anything else is the client's error. */
    float[] image(byte[] bytes) {
        if (ImageFormat.sniff(bytes) == null) {
            throw new ApiException(415, "the upload is not an image: its content is not JPEG, PNG, GIF, WebP, BMP or TIFF");
        }
        long start = System.nanoTime();
        float[] vector;
        try {
            vector = embedder.embedImage(bytes);
        } catch (ImageDecodeException e) {
            if (e.getCause() instanceof OutOfMemoryError) {
                throw WorkPool.outOfMemory();
            }
            throw new ApiException(422, "the uploaded image cannot be decoded: " + e.getMessage());
        }
        metrics.embedded("image", start);
        return vector;
    }
}

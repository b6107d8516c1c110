package dev.imgsearch.serve;

import dev.imgsearch.decode.ImageDecodeException;
import dev.imgsearch.decode.ImageFormat;
import dev.imgsearch.embed.ClipEmbedder;
import dev.imgsearch.model.ModelDescriptor;

/**
 * Embeds queries exactly as the embed job embeds images (same decoder, same preprocessing, same model), so query and
 * index vectors are comparable. Texts go through a cache and a micro-batcher ({@link TextEmbeddings}), whose
 * passes take their worker from the server's {@link WorkPool} while each query waits in its queue.
 */
final class QueryEmbedder implements AutoCloseable {

    private final ClipEmbedder embedder;
    private final TextEmbeddings texts;
    private final ServerMetrics metrics;
    private final WorkPool work;

    QueryEmbedder(ClipEmbedder embedder, ServerMetrics metrics, WorkPool work) {
        this.embedder = embedder;
        this.texts = new TextEmbeddings(batch -> work.worker(() -> embedder.embedTexts(batch)), metrics);
        this.metrics = metrics;
        this.work = work;
    }

    ModelDescriptor descriptor() {
        return embedder.descriptor();
    }

    /** The embedding of a query text; shared with other callers, so it must not be modified. */
    float[] text(String text) {
        long start = System.nanoTime();
        float[] vector = work.waiting(() -> texts.of(text));
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

    /** Stops the text batcher; the model is its owner's to close. */
    @Override
    public void close() {
        texts.close();
    }
}

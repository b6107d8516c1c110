package dev.imgsearch.serve;

import dev.imgsearch.decode.DecodedImage;
import dev.imgsearch.decode.ImageDecodeException;
import dev.imgsearch.decode.ImageDecoder;
import dev.imgsearch.decode.ImageFormat;
import dev.imgsearch.model.ClipModel;
import dev.imgsearch.model.ModelDescriptor;
import dev.imgsearch.preprocess.ClipPreprocessor;
import java.util.List;

/**
 * Embeds queries exactly as the embed job embeds images (same decoder, same preprocessing, same model), so query and
 * index vectors are comparable.
 */
final class QueryEmbedder {

    private final ClipModel model;
    private final ImageDecoder decoder;
    private final ClipPreprocessor preprocessor;
    private final ServerMetrics metrics;

    QueryEmbedder(ClipModel model, long maxPixels, ServerMetrics metrics) {
        ModelDescriptor descriptor = model.descriptor();
        this.model = model;
        this.decoder = new ImageDecoder(maxPixels);
        this.preprocessor = new ClipPreprocessor(descriptor.imageSize(), descriptor.mean(), descriptor.std());
        this.metrics = metrics;
    }

    String modelName() {
        return model.descriptor().name();
    }

    float[] text(String text) {
        long start = System.nanoTime();
        float[] vector = model.embedTexts(List.of(text))[0];
        metrics.embedded("text", start);
        return vector;
    }

    /** The embedding of uploaded bytes, which must be an image by content; anything else is the client's error. */
    float[] image(byte[] bytes) {
        if (ImageFormat.sniff(bytes) == null) {
            throw new ApiException(415, "the upload is not an image: its content is not JPEG, PNG, GIF, WebP, BMP or TIFF");
        }
        long start = System.nanoTime();
        DecodedImage image;
        try {
            image = decoder.decode(bytes);
        } catch (ImageDecodeException e) {
            if (e.getCause() instanceof OutOfMemoryError) {
                throw WorkPool.outOfMemory();
            }
            throw new ApiException(422, "the uploaded image cannot be decoded: " + e.getMessage());
        }
        float[] vector = model.embedImages(new float[][] {preprocessor.toPixelValues(image)})[0];
        metrics.embedded("image", start);
        return vector;
    }
}

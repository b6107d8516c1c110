package dev.imgsearch.embed;

import dev.imgsearch.decode.DecodedImage;
import dev.imgsearch.decode.ImageDecodeException;
import dev.imgsearch.decode.ImageDecoder;
import dev.imgsearch.model.ClipModel;
import dev.imgsearch.model.ModelDescriptor;
import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.preprocess.ClipPreprocessor;
import java.util.List;

/**
 * A CLIP model paired with the decoding and preprocessing its images need, as OpenAI's {@code clip.load()} returns a
 * model with its {@code preprocess} and DJL's Translator carries its processing: the one place where the pairing is
 * made, so the embed job, the search service and the command line embed an image the same way, under one pixel
 * limit. Thread-safe, as its parts are.
 */
public final class ClipEmbedder {

    private final ClipModel model;
    private final ImageDecoder decoder;
    private final ClipPreprocessor preprocessor;

    private ClipEmbedder(ClipModel model, long maxPixels) {
        ModelDescriptor descriptor = model.descriptor();
        this.model = model;
        this.decoder = new ImageDecoder(maxPixels);
        this.preprocessor = preprocessorFor(descriptor);
    }

    /** The model with the default pixel limit (Pillow's decompression-bomb threshold). */
    public static ClipEmbedder of(ClipModel model) {
        return new ClipEmbedder(model, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    /** The model with images of more than {@code maxPixels} pixels refused before they are decoded. */
    public static ClipEmbedder of(ClipModel model, long maxPixels) {
        return new ClipEmbedder(model, maxPixels);
    }

    /** The preprocessing a model's descriptor asks for. */
    public static ClipPreprocessor preprocessorFor(ModelDescriptor descriptor) {
        return new ClipPreprocessor(descriptor.imageSize(), descriptor.mean(), descriptor.std());
    }

    public ClipModel model() {
        return model;
    }

    public ModelDescriptor descriptor() {
        return model.descriptor();
    }

    public ModelIdentity identity() {
        return model.identity();
    }

    /** The preprocessing in words, as embed outputs record it. */
    public String preprocessing() {
        return preprocessor.describe();
    }

    /** Decodes an image, refusing one over the pixel limit from its header. */
    public DecodedImage decode(byte[] encoded) throws ImageDecodeException {
        return decoder.decode(encoded);
    }

    /** The model input of a decoded image: 3*S*S normalised floats in CHW order. */
    public float[] pixels(DecodedImage image) {
        return preprocessor.toPixelValues(image);
    }

    /** Embeds preprocessed images as one batch (see {@link #pixels}). */
    public float[][] embedPixels(float[][] pixelValuesChw) {
        return model.embedImages(pixelValuesChw);
    }

    /** The embedding of one encoded image. */
    public float[] embedImage(byte[] encoded) throws ImageDecodeException {
        return embedPixels(new float[][] {pixels(decode(encoded))})[0];
    }

    /** Embeds texts as one batch; longer texts are truncated to the model's context length. */
    public float[][] embedTexts(List<String> texts) {
        return model.embedTexts(texts);
    }
}

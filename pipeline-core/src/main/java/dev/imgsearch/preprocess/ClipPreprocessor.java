package dev.imgsearch.preprocess;

import dev.imgsearch.decode.DecodedImage;

/**
 * CLIP's inference transform exactly as open_clip / OpenAI clip.py apply it to a PIL image:
 * {@code Resize(size, BICUBIC)} (shortest side to size, in the image's own mode), {@code CenterCrop(size)},
 * {@code convert("RGB")}, {@code ToTensor()}, {@code Normalize(mean, std)}, reproducing Pillow 9.4 and torchvision
 * 0.14 bit for bit. Thread-safe: it holds no mutable state (the resampler keeps its working arrays per thread).
 */
public final class ClipPreprocessor {

    // OpenAI CLIP's normalisation constants, rounded from double to float32 as torchvision does.
    private static final float[] OPENAI_MEAN = {(float) 0.48145466, (float) 0.4578275, (float) 0.40821073};
    private static final float[] OPENAI_STD = {(float) 0.26862954, (float) 0.26130258, (float) 0.27577711};

    private final int imageSize;
    private final String description;
    // (v / 255 - mean) / std for every byte value v and channel, computed with the same float32 operations.
    private final float[] normalised = new float[3 * 256];

    public ClipPreprocessor(int imageSize, float[] mean, float[] std) {
        if (imageSize <= 0) {
            throw new IllegalArgumentException("imageSize must be positive: " + imageSize);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need one value per RGB channel");
        }
        this.imageSize = imageSize;
        this.description = "Pillow 9.4 BICUBIC shortest side to " + imageSize + ", centre crop " + imageSize
                + ", RGB, mean " + java.util.Arrays.toString(mean) + ", std " + java.util.Arrays.toString(std);
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                normalised[c * 256 + v] = (v / 255f - mean[c]) / std[c];
            }
        }
    }

    /** The transform of OpenAI's CLIP models (and open_clip's OpenAI-pretrained ones) at the given input size. */
    public static ClipPreprocessor openAiClip(int imageSize) {
        return new ClipPreprocessor(imageSize, OPENAI_MEAN, OPENAI_STD);
    }

    /** OpenAI CLIP's normalisation mean per RGB channel (a copy). */
    public static float[] openAiMean() {
        return OPENAI_MEAN.clone();
    }

    /** OpenAI CLIP's normalisation standard deviation per RGB channel (a copy). */
    public static float[] openAiStd() {
        return OPENAI_STD.clone();
    }

    public int imageSize() {
        return imageSize;
    }

    /** The transform in words: equal descriptions give equal pixels for every image. */
    public String describe() {
        return description;
    }

    /**
     * The resized, centre-cropped image as RGB bytes, height x width x 3 (imageSize x imageSize x 3).
     *
     * @throws IllegalArgumentException for an image so elongated that its resized long side overflows an int (Pillow
     *                                  cannot resize it either)
     */
    public byte[] toRgb(DecodedImage image) {
        int w = image.width();
        int h = image.height();
        // torchvision's _compute_resized_output_size: the long side is truncated, computed in double.
        double longSide = w <= h ? (double) ((long) imageSize * h) / w : (double) ((long) imageSize * w) / h;
        if (longSide > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image " + w + "x" + h + " is too elongated to resize its short side to "
                    + imageSize);
        }
        int outW = w <= h ? imageSize : (int) longSide;
        int outH = w <= h ? (int) longSide : imageSize;
        // torchvision's center_crop: int(round((H - size) / 2)), Python rounding half to even.
        PillowResampler.Window crop = new PillowResampler.Window(
                (int) Math.rint((outW - imageSize) / 2.0), (int) Math.rint((outH - imageSize) / 2.0),
                imageSize, imageSize);
        boolean resize = outW != w || outH != h;
        String mode = image.mode();
        return switch (mode) {
            case "I" -> PillowConvert.intToRgb(resize
                    ? PillowResampler.bicubic32(image.intSamples(), w, h, outW, outH, crop)
                    : cropInts(image.intSamples(), w, crop));
            case "1", "P" -> PillowConvert.toRgb(mode, resize
                    ? PillowResampler.nearest8(image.samples(), w, h, outW, outH, crop)
                    : cropBytes(image.samples(), w, 1, crop), image.palette());
            case "RGBA", "LA" -> {
                int bands = image.bands();
                if (!resize) {
                    yield PillowConvert.toRgb(mode, cropBytes(image.samples(), w, bands, crop), null);
                }
                // Pillow resizes RGBA and LA premultiplied ("RGBa"/"La") and converts back before the crop.
                byte[] resized = PillowResampler.bicubic8(image.samples(), w, h, bands,
                        PillowResampler.Read.PREMULTIPLY, outW, outH, crop);
                PillowConvert.unpremultiply(resized, bands);
                yield PillowConvert.toRgb(mode, resized, null);
            }
            default -> {
                byte[] ycc = image.jpegYccSamples();
                byte[] cropped;
                if (!resize) {
                    cropped = cropBytes(image.samples(), w, image.bands(), crop);
                } else if (ycc != null) {
                    cropped = PillowResampler.bicubic8(ycc, w, h, 3, PillowResampler.Read.JPEG_YCC, outW, outH, crop);
                } else {
                    cropped = PillowResampler.bicubic8(image.samples(), w, h, image.bands(),
                            PillowResampler.Read.AS_IS, outW, outH, crop);
                }
                yield mode.equals("RGB") ? cropped : PillowConvert.toRgb(mode, cropped, null);
            }
        };
    }

    /** The model input: channels x height x width float32, (v / 255 - mean) / std in float32 like ToTensor+Normalize. */
    public float[] toPixelValues(DecodedImage image) {
        byte[] rgb = toRgb(image);
        int plane = imageSize * imageSize;
        float[] out = new float[3 * plane];
        // One pass over the pixels, each of its samples looked up in its channel's table.
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            out[i] = normalised[rgb[p] & 0xFF];
            out[plane + i] = normalised[256 + (rgb[p + 1] & 0xFF)];
            out[2 * plane + i] = normalised[512 + (rgb[p + 2] & 0xFF)];
        }
        return out;
    }

    private static byte[] cropBytes(byte[] samples, int width, int bands, PillowResampler.Window crop) {
        byte[] out = new byte[crop.width() * crop.height() * bands];
        for (int r = 0; r < crop.height(); r++) {
            System.arraycopy(samples, ((crop.y() + r) * width + crop.x()) * bands, out, r * crop.width() * bands,
                    crop.width() * bands);
        }
        return out;
    }

    private static int[] cropInts(int[] samples, int width, PillowResampler.Window crop) {
        int[] out = new int[crop.width() * crop.height()];
        for (int r = 0; r < crop.height(); r++) {
            System.arraycopy(samples, (crop.y() + r) * width + crop.x(), out, r * crop.width(), crop.width());
        }
        return out;
    }
}

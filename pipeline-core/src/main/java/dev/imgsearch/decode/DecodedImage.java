package dev.imgsearch.decode;

import java.util.Objects;

/**
 * Decoded pixels in the layout Pillow 9.4 gives the same file after {@code Image.open}: a PIL mode and its samples.
 *
 * <p>Modes: {@code "1"} (bilevel, stored as 0/255 like Pillow does), {@code "L"}, {@code "P"} (indices plus a
 * 256-entry RGB palette), {@code "LA"}, {@code "RGB"}, {@code "RGBA"}, {@code "CMYK"} (8 bits per sample,
 * pixel-interleaved, rows top to bottom) and {@code "I"} (32-bit integers, what Pillow 9.4 makes of 16-bit grey PNGs).
 * Keeping the native mode matters because Pillow resizes in it before converting to RGB.
 *
 * <p>A JPEG's RGB image may keep its YCbCr samples ({@link #jpegYcc}): the resize converts only the columns it reads,
 * in vectorised arithmetic, instead of every pixel up front; {@link #samples()} converts them all when asked.
 *
 * <p>The arrays are shared, not copied, to keep a batch pipeline free of extra copies: treat them as read-only.
 */
public final class DecodedImage {

    private final String mode;
    private final int width;
    private final int height;
    private final byte[] samples;
    private final int[] intSamples;
    private final byte[] palette;
    private final byte[] ycc;
    // The RGB of ycc, made on first use; a race makes the same bytes twice, never wrong ones.
    private volatile byte[] converted;

    private DecodedImage(String mode, int width, int height, byte[] samples, int[] intSamples, byte[] palette,
            byte[] ycc) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        }
        this.mode = mode;
        this.width = width;
        this.height = height;
        this.samples = samples;
        this.intSamples = intSamples;
        this.palette = palette;
        this.ycc = ycc;
    }

    /** An 8-bit image in mode 1, L, LA, RGB, RGBA or CMYK; {@code samples} holds width*height*bands bytes. */
    public static DecodedImage of(String mode, int width, int height, byte[] samples) {
        int bands = switch (Objects.requireNonNull(mode, "mode")) {
            case "1", "L" -> 1;
            case "LA" -> 2;
            case "RGB" -> 3;
            case "RGBA", "CMYK" -> 4;
            default -> throw new IllegalArgumentException("not an 8-bit direct mode: " + mode);
        };
        checkLength(samples.length, (long) width * height * bands);
        return new DecodedImage(mode, width, height, samples, null, null, null);
    }

    /** A palette image (mode P): one index per pixel and a 768-byte RGB palette. */
    public static DecodedImage palette(int width, int height, byte[] indices, byte[] paletteRgb) {
        checkLength(indices.length, (long) width * height);
        checkLength(paletteRgb.length, 768);
        return new DecodedImage("P", width, height, indices, null, paletteRgb, null);
    }

    /** A 32-bit integer image (mode I). */
    public static DecodedImage int32(int width, int height, int[] samples) {
        checkLength(samples.length, (long) width * height);
        return new DecodedImage("I", width, height, null, samples, null, null);
    }

    /**
     * An RGB image given as a JPEG's pixel-interleaved Y, Cb, Cr samples, which libjpeg's conversion ({@link JpegColor})
     * turns into the RGB samples.
     */
    public static DecodedImage jpegYcc(int width, int height, byte[] yccSamples) {
        checkLength(yccSamples.length, (long) width * height * 3);
        return new DecodedImage("RGB", width, height, null, null, null, yccSamples);
    }

    private static void checkLength(int actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("expected " + expected + " samples, got " + actual);
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The PIL mode name. */
    public String mode() {
        return mode;
    }

    /** Samples per pixel. */
    public int bands() {
        return switch (mode) {
            case "1", "L", "P", "I" -> 1;
            case "LA" -> 2;
            case "RGB" -> 3;
            default -> 4;
        };
    }

    /** The 8-bit samples (palette indices for mode P); null for mode I. */
    public byte[] samples() {
        if (ycc == null) {
            return samples;
        }
        byte[] rgb = converted;
        if (rgb == null) {
            rgb = JpegColor.toRgb(ycc);
            converted = rgb;
        }
        return rgb;
    }

    /** The Y, Cb, Cr samples of an RGB image made by {@link #jpegYcc}; null for every other image. */
    public byte[] jpegYccSamples() {
        return ycc;
    }

    /** The 32-bit samples of mode I; null for every other mode. */
    public int[] intSamples() {
        return intSamples;
    }

    /** The 256-entry RGB palette of mode P; null for every other mode. */
    public byte[] palette() {
        return palette;
    }

    @Override
    public String toString() {
        return "DecodedImage[" + mode + " " + width + "x" + height + "]";
    }
}

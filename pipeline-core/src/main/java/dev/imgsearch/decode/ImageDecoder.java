package dev.imgsearch.decode;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import javax.imageio.ImageReader;

/**
 * Decodes PNG, JPEG, GIF (first frame), BMP, TIFF and WebP into the PIL mode and samples Pillow 9.4's
 * {@code Image.open} gives the same bytes, so that the CLIP preprocessing after it can match the Python reference
 * bit for bit. Embedded ICC profiles and EXIF orientation are ignored, as Pillow ignores them.
 *
 * <p>JPEGs go through the {@link JpegBackend} chosen at construction (TurboJPEG where libturbojpeg loads); a JPEG that
 * libjpeg-turbo only warns about is decoded again by the ImageIO path, which decides as Pillow does whether it is
 * refused as truncated or accepted. PNGs go through the {@link PngBackend} chosen at construction (libspng where it
 * loads).
 *
 * <p>Thread-safe and reusable: every call uses its own ImageIO reader. Every failure, including garbage input and
 * reader bugs, surfaces as an {@link ImageDecodeException} with a one-line reason.
 */
public final class ImageDecoder {

    /** Pillow's decompression-bomb error threshold: 2 * (1024 * 1024 * 1024 / 4 / 3) pixels. */
    public static final long DEFAULT_MAX_PIXELS = 178_956_970L;

    private static final Map<ImageFormat, FormatDecoder> DECODERS = Map.of(
            ImageFormat.PNG, new PngDecoder(),
            ImageFormat.JPEG, new JpegDecoder(),
            ImageFormat.GIF, new GifDecoder(),
            ImageFormat.BMP, new BmpDecoder(),
            ImageFormat.TIFF, new TiffDecoder(),
            ImageFormat.WEBP, new WebpDecoder());

    private final PixelLimit limit;
    private final JpegBackend jpeg;
    private final PngBackend png;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    /** @param maxPixels images with more pixels than this (width * height from the header) are refused */
    public ImageDecoder(long maxPixels) {
        this(maxPixels, JpegBackend.configured());
    }

    /**
     * @param jpeg the library that decodes JPEGs; PNGs go through the configured {@link PngBackend}
     * @throws IllegalStateException if {@code jpeg} is TurboJPEG and libturbojpeg cannot be loaded
     */
    public ImageDecoder(long maxPixels, JpegBackend jpeg) {
        this(maxPixels, jpeg, PngBackend.configured());
    }

    /**
     * @param jpeg the library that decodes JPEGs
     * @param png the library that decodes PNGs
     * @throws IllegalStateException if a backend asked for cannot be loaded
     */
    public ImageDecoder(long maxPixels, JpegBackend jpeg, PngBackend png) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
        }
        jpeg.requireAvailable();
        png.requireAvailable();
        this.limit = PixelLimit.atMost(maxPixels);
        this.jpeg = jpeg;
        this.png = png;
    }

    /** The library this decoder reads JPEGs with. */
    public JpegBackend jpegBackend() {
        return jpeg;
    }

    /** The library this decoder reads PNGs with. */
    public PngBackend pngBackend() {
        return png;
    }

    public DecodedImage decode(byte[] encoded) throws ImageDecodeException {
        ImageFormat format = ImageFormat.sniff(nonEmpty(encoded));
        if (jpeg == JpegBackend.TURBOJPEG && format == ImageFormat.JPEG) {
            DecodedImage image = turbo(encoded);
            if (image != null) {
                return image;
            }
        }
        if (png == PngBackend.LIBSPNG && format == ImageFormat.PNG) {
            return spng(encoded);
        }
        return read(encoded, limit);
    }

    private DecodedImage spng(byte[] encoded) throws ImageDecodeException {
        try {
            return SpngDecoder.decode(encoded, limit);
        } catch (RuntimeException e) {
            throw new ImageDecodeException("truncated or corrupt PNG: " + describe(e), e);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(ImageFormat.PNG, e);
        }
    }

    private DecodedImage turbo(byte[] encoded) throws ImageDecodeException {
        try {
            return TurboJpegDecoder.decode(encoded, limit);
        } catch (RuntimeException e) {
            throw new ImageDecodeException("truncated or corrupt JPEG: " + describe(e), e);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(ImageFormat.JPEG, e);
        }
    }

    /**
     * The size {@link #decode} allocates pixels for, read by the same format decoder up to the point where it checks
     * the pixel limit, and no further: nothing is decoded. The limit itself is not applied here.
     */
    public static ImageSize size(byte[] encoded) throws ImageDecodeException {
        try {
            read(encoded, (width, height) -> {
                PixelLimit.requireValid(width, height);
                throw new SizeRead(new ImageSize(width, height));
            });
        } catch (SizeRead read) {
            return read.size;
        }
        throw new ImageDecodeException("the image header gives no size");
    }

    /** Ends a {@link #size} read at the pixel-limit check: unwinding is the one way out of a format decoder there. */
    private static final class SizeRead extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient ImageSize size;

        SizeRead(ImageSize size) {
            super(null, null, false, false);
            this.size = size;
        }
    }

    private static byte[] nonEmpty(byte[] encoded) throws ImageDecodeException {
        if (encoded == null || encoded.length == 0) {
            throw new ImageDecodeException("empty file");
        }
        return encoded;
    }

    private static ImageDecodeException outOfMemory(ImageFormat format, OutOfMemoryError e) {
        return new ImageDecodeException("out of memory decoding " + format.displayName()
                + " (lower --max-pixels or give the JVM more heap)", e);
    }

    private static DecodedImage read(byte[] encoded, PixelLimit limit) throws ImageDecodeException {
        ImageFormat format = ImageFormat.sniff(nonEmpty(encoded));
        if (format == null) {
            throw new ImageDecodeException("not an image (unrecognised format)");
        }
        ImageReader reader = null;
        try (ByteArrayImageInputStream input = new ByteArrayImageInputStream(encoded)) {
            reader = ReaderProviders.newReader(format);
            reader.setInput(input, true, false);
            return DECODERS.get(format).decode(encoded, reader, limit);
        } catch (ImageDecodeException | SizeRead e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO readers report bad data as IIOException, EOFException or, for some corrupt inputs, unchecked
            // exceptions from deep inside; all of them mean the same thing to a caller.
            throw new ImageDecodeException("truncated or corrupt " + format.displayName() + ": " + describe(e), e);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(format, e);
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
    }

    /** The reader's own message, with the root cause when that adds something (an EOF, typically). */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String rootText = root instanceof EOFException ? "unexpected end of file" : textOf(root);
        String text = textOf(e);
        if (root != e && !text.contains(rootText)) {
            text = text + " (" + rootText + ")";
        }
        return text.replaceAll("\\s+", " ").trim();
    }

    private static String textOf(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}

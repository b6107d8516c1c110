package dev.imgsearch.decode;

import java.awt.image.Raster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageReader;

/**
 * JPEG through the JDK's ImageIO reader (libjpeg 6b), the fallback of {@link TurboJpegDecoder}, giving the pixels
 * Pillow 9.4 decodes with libjpeg-turbo: the reader returns the upsampled component samples untouched
 * (readRaster does no colour conversion and applies no ICC profile), and the colour conversion is libjpeg's own
 * ({@link JpegColor}), so YCbCr, RGB, CMYK and YCCK files all come out as Pillow's do. YCbCr images keep their samples
 * until the resize, which converts only the columns it reads. CMYK is inverted afterwards because Pillow reads
 * 4-component JPEGs as Adobe-style inverted "CMYK;I".
 */
final class JpegDecoder implements FormatDecoder {

    private static final Pattern TRUNCATION_WARNING =
            Pattern.compile("premature end of JPEG file|truncated file|missing EOI", Pattern.CASE_INSENSITIVE);

    @Override
    public DecodedImage decode(byte[] data, ImageReader reader, PixelLimit limit)
            throws IOException, ImageDecodeException {
        JpegHeader header = JpegHeader.parseDecodable(data);
        int components = header.componentIds().length;
        limit.check(header.width(), header.height());
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        Raster raster = reader.readRaster(0, null);
        for (String warning : warnings) {
            // libjpeg only warns and pads with grey, but Pillow refuses a file that ends early, even if only its EOI
            // marker is missing. A marker met inside the entropy data ("premature end of data segment") is not an end
            // of file: Pillow decodes on, as libjpeg does.
            if (TRUNCATION_WARNING.matcher(warning).find()) {
                throw new ImageDecodeException("truncated or corrupt JPEG: " + warning);
            }
        }
        if (raster.getNumBands() != components) {
            throw new ImageDecodeException("truncated or corrupt JPEG: " + raster.getNumBands()
                    + " bands decoded for " + components + " components");
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        return switch (header.colorSpace()) {
            case GRAYSCALE -> DecodedImage.of("L", w, h, Rasters.interleave(raster, new int[] {0}, 0));
            case RGB -> DecodedImage.of("RGB", w, h, Rasters.interleave(raster, new int[] {0, 1, 2}, 0));
            case YCBCR -> DecodedImage.jpegYcc(w, h, Rasters.interleave(raster, new int[] {0, 1, 2}, 0));
            case CMYK -> DecodedImage.of("CMYK", w, h, invert(Rasters.interleave(raster, new int[] {0, 1, 2, 3}, 0)));
            case YCCK -> DecodedImage.of("CMYK", w, h,
                    invert(JpegColor.ycckToCmyk(Rasters.interleave(raster, new int[] {0, 1, 2, 3}, 0))));
        };
    }

    private static byte[] invert(byte[] samples) {
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (byte) ~samples[i];
        }
        return samples;
    }
}

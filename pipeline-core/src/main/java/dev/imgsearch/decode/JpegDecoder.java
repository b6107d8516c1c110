package dev.imgsearch.decode;

import java.awt.image.Raster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageReader;

/**
 * JPEG as Pillow 9.4 decodes it with libjpeg-turbo: the reader returns the upsampled component samples untouched
 * (readRaster does no colour conversion and applies no ICC profile), and the colour conversion is done here with
 * libjpeg's own integer tables (jdcolor.c), so YCbCr, RGB, CMYK and YCCK files all come out as Pillow's do. CMYK is
 * inverted afterwards because Pillow reads 4-component JPEGs as Adobe-style inverted "CMYK;I".
 */
final class JpegDecoder implements FormatDecoder {

    private static final Pattern TRUNCATION_WARNING =
            Pattern.compile("premature end|truncated file|missing EOI", Pattern.CASE_INSENSITIVE);
    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    // jdcolor.c's tables; the green terms of Cb and Cr stay unshifted, their sum is shifted once (all fit an int).
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];
    // libjpeg's range_limit: a sample plus any colour term, clamped to 0..255 by one lookup.
    private static final int RANGE_OFFSET = 256;
    private static final byte[] RANGE = new byte[3 * 256];

    static {
        for (int i = 0; i < 256; i++) {
            long x = i - 128;
            CR_R[i] = (int) ((fix(1.40200) * x + ONE_HALF) >> SCALEBITS);
            CB_B[i] = (int) ((fix(1.77200) * x + ONE_HALF) >> SCALEBITS);
            CR_G[i] = (int) (-fix(0.71414) * x);
            CB_G[i] = (int) (-fix(0.34414) * x + ONE_HALF);
        }
        for (int i = 0; i < RANGE.length; i++) {
            RANGE[i] = (byte) Math.max(0, Math.min(255, i - RANGE_OFFSET));
        }
    }

    private static long fix(double x) {
        return (long) (x * (1L << SCALEBITS) + 0.5);
    }

    @Override
    public DecodedImage decode(byte[] data, ImageReader reader, PixelLimit limit)
            throws IOException, ImageDecodeException {
        JpegHeader header = JpegHeader.parse(data);
        if (header.precision() != 8) {
            throw new ImageDecodeException("unsupported JPEG: " + header.precision() + "-bit samples");
        }
        int components = header.componentIds().length;
        if (components != 1 && components != 3 && components != 4) {
            throw new ImageDecodeException("unsupported JPEG: " + components + " components");
        }
        limit.check(header.width(), header.height());
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        Raster raster = reader.readRaster(0, null);
        for (String warning : warnings) {
            // libjpeg only warns and pads with grey, but Pillow refuses a file that ends early, even if only its EOI
            // marker is missing.
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
            case YCBCR -> DecodedImage.of("RGB", w, h, yccToRgb(Rasters.interleave(raster, new int[] {0, 1, 2}, 0)));
            case CMYK -> DecodedImage.of("CMYK", w, h, invert(Rasters.interleave(raster, new int[] {0, 1, 2, 3}, 0)));
            case YCCK -> DecodedImage.of("CMYK", w, h,
                    invert(ycckToCmyk(Rasters.interleave(raster, new int[] {0, 1, 2, 3}, 0))));
        };
    }

    /** jdcolor.c ycc_rgb_convert, in place. */
    private static byte[] yccToRgb(byte[] ycc) {
        for (int i = 0; i + 2 < ycc.length; i += 3) {
            int y = (ycc[i] & 0xFF) + RANGE_OFFSET;
            int cb = ycc[i + 1] & 0xFF;
            int cr = ycc[i + 2] & 0xFF;
            ycc[i] = RANGE[y + CR_R[cr]];
            ycc[i + 1] = RANGE[y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS)];
            ycc[i + 2] = RANGE[y + CB_B[cb]];
        }
        return ycc;
    }

    /** jdcolor.c ycck_cmyk_convert, in place. */
    private static byte[] ycckToCmyk(byte[] ycck) {
        for (int i = 0; i + 3 < ycck.length; i += 4) {
            int y = (ycck[i] & 0xFF) + RANGE_OFFSET;
            int cb = ycck[i + 1] & 0xFF;
            int cr = ycck[i + 2] & 0xFF;
            ycck[i] = (byte) ~RANGE[y + CR_R[cr]];
            ycck[i + 1] = (byte) ~RANGE[y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS)];
            ycck[i + 2] = (byte) ~RANGE[y + CB_B[cb]];
        }
        return ycck;
    }

    private static byte[] invert(byte[] samples) {
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (byte) ~samples[i];
        }
        return samples;
    }
}

package dev.imgsearch.decode;

import java.awt.image.Raster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageReader;
import org.w3c.dom.Node;

/**
 * TIFF, first page, in the layouts Pillow 9.4 maps one-to-one (TiffImagePlugin.OPEN_INFO) and unpacks itself: bilevel
 * "1" (any compression the reader knows, CCITT G3/G4 included), grey "L" from 2, 4 or 8 bits (widened as Pillow's
 * "L;2"/"L;4" unpackers do) either way round (min-is-white inverted), palette "P" from 1 to 8 bits (16-bit colour map
 * divided by 256), RGB and RGBA from 8 or 16 bits (16-bit samples keep their high byte, as "RGB;16L" does), CMYK,
 * and RGB plus an unspecified extra sample. The samples come raw from the reader's raster, never through its colour
 * conversion. Other layouts are refused with a reason naming them rather than approximated.
 */
final class TiffDecoder implements FormatDecoder {

    private static final int BITS_PER_SAMPLE = 258;
    private static final int PHOTOMETRIC = 262;
    private static final int SAMPLES_PER_PIXEL = 277;
    private static final int COLOR_MAP = 320;
    private static final int EXTRA_SAMPLES = 338;
    private static final int SAMPLE_FORMAT = 339;
    private static final int COMPRESSION = 259;
    private static final int OLD_JPEG = 6;
    private static final int JPEG = 7;

    private static final int MIN_IS_WHITE = 0;
    private static final int MIN_IS_BLACK = 1;
    private static final int RGB = 2;
    private static final int PALETTE = 3;
    private static final int SEPARATED = 5;

    @Override
    public DecodedImage decode(byte[] data, ImageReader reader, PixelLimit limit)
            throws IOException, ImageDecodeException {
        if (reader.getNumImages(true) < 1) {
            throw new ImageDecodeException("truncated or corrupt TIFF: no readable image directory");
        }
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        limit.check(width, height);
        Node root = reader.getImageMetadata(0).getAsTree("com_sun_media_imageio_plugins_tiff_image_1.0");
        int photometric = first(field(root, PHOTOMETRIC), -1);
        int samples = first(field(root, SAMPLES_PER_PIXEL), 1);
        int[] bitsPerSample = field(root, BITS_PER_SAMPLE);
        int bits = first(bitsPerSample, 1);
        for (int b : bitsPerSample) {
            if (b != bits) {
                throw unsupported(photometric, samples, "mixed sample sizes " + Arrays.toString(bitsPerSample));
            }
        }
        if (first(field(root, SAMPLE_FORMAT), 1) != 1) {
            throw unsupported(photometric, samples, "non-integer or signed samples");
        }
        int compression = first(field(root, COMPRESSION), 1);
        if (compression == OLD_JPEG || compression == JPEG && photometric != MIN_IS_BLACK && photometric != RGB) {
            // libtiff decodes these into colours of its own (YCbCr through TIFFRGBAImage, old-style JPEG as
            // YCbCr), which the reader here does not reproduce.
            throw unsupported(photometric, samples, (compression == OLD_JPEG ? "old-style " : "")
                    + "JPEG-compressed");
        }
        int extra = first(field(root, EXTRA_SAMPLES), -1);
        boolean grey = (photometric == MIN_IS_BLACK || photometric == MIN_IS_WHITE) && samples == 1;
        if (grey && bits == 1) {
            byte[] bilevel = Rasters.scaledBand(raster(reader), 0, 255);
            return DecodedImage.of("1", width, height, photometric == MIN_IS_WHITE ? inverted(bilevel) : bilevel);
        }
        if (grey && (bits == 2 || bits == 4 || bits == 8)) {
            // The reader inverts min-is-white grey itself (but not bilevel, above), as Pillow's "L;nI" unpackers do.
            return DecodedImage.of("L", width, height,
                    Rasters.scaledBand(raster(reader), 0, 255 / ((1 << bits) - 1)));
        }
        if (grey && bits == 16) {
            throw unsupported(photometric, samples, "16 bits (PIL mode I;16, which Pillow cannot resize)");
        }
        if (photometric == PALETTE && samples == 1 && bits <= 8) {
            int[] map = field(root, COLOR_MAP);
            byte[] palette = Rasters.rampPalette();
            int entries = Math.min(256, map.length / 3);
            for (int i = 0; i < entries; i++) {
                palette[3 * i] = (byte) (map[i] / 256);
                palette[3 * i + 1] = (byte) (map[entries + i] / 256);
                palette[3 * i + 2] = (byte) (map[2 * entries + i] / 256);
            }
            return DecodedImage.palette(width, height, Rasters.scaledBand(raster(reader), 0, 1), palette);
        }
        int shift = bits == 16 ? 8 : 0;
        if (photometric == RGB && (bits == 8 || bits == 16)
                && (samples == 3 || (samples == 4 && extra == 0 && bits == 8))) {
            return DecodedImage.of("RGB", width, height,
                    Rasters.interleave(raster(reader), new int[] {0, 1, 2}, shift));
        }
        if (photometric == RGB && (bits == 8 || bits == 16) && samples == 4
                && (extra == -1 || extra == 2 || (extra == 999 && bits == 8))) {
            return DecodedImage.of("RGBA", width, height,
                    Rasters.interleave(raster(reader), new int[] {0, 1, 2, 3}, shift));
        }
        if (photometric == SEPARATED && samples == 4 && bits == 8) {
            return DecodedImage.of("CMYK", width, height,
                    Rasters.interleave(raster(reader), new int[] {0, 1, 2, 3}, 0));
        }
        throw unsupported(photometric, samples, samples + " samples of " + bits + " bits"
                + (extra >= 0 ? ", extra sample type " + extra : ""));
    }

    private static byte[] inverted(byte[] samples) {
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (byte) ~samples[i];
        }
        return samples;
    }

    private static Raster raster(ImageReader reader) throws IOException {
        return reader.read(0).getRaster();
    }

    private static ImageDecodeException unsupported(int photometric, int samples, String layout) {
        return new ImageDecodeException("unsupported TIFF layout: " + photometricName(photometric, samples) + ", "
                + layout);
    }

    private static String photometricName(int photometric, int samples) {
        return switch (photometric) {
            case MIN_IS_WHITE -> "grey (min-is-white)";
            case MIN_IS_BLACK -> "grey";
            case RGB -> "RGB";
            case PALETTE -> "palette";
            case 4 -> "transparency mask";
            case SEPARATED -> samples == 4 ? "CMYK" : "separated";
            case 6 -> "YCbCr";
            case 8, 9, 10 -> "Lab";
            default -> "photometric " + photometric;
        };
    }

    private static int first(int[] values, int absent) {
        return values.length == 0 ? absent : values[0];
    }

    /** The numeric values of one tag in the TIFF native metadata tree (empty when the tag is absent). */
    private static int[] field(Node root, int tag) {
        List<Integer> values = new ArrayList<>();
        for (Node ifd = root.getFirstChild(); ifd != null; ifd = ifd.getNextSibling()) {
            for (Node f = ifd.getFirstChild(); f != null; f = f.getNextSibling()) {
                Node number = f.getAttributes() == null ? null : f.getAttributes().getNamedItem("number");
                if (number == null || Integer.parseInt(number.getNodeValue()) != tag) {
                    continue;
                }
                for (Node array = f.getFirstChild(); array != null; array = array.getNextSibling()) {
                    for (Node v = array.getFirstChild(); v != null; v = v.getNextSibling()) {
                        Node value = v.getAttributes().getNamedItem("value");
                        if (value != null) {
                            values.add(Integer.parseInt(value.getNodeValue().trim()));
                        }
                    }
                }
            }
            if (!values.isEmpty()) {
                break;
            }
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}

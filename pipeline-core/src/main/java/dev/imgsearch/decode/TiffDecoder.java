package dev.imgsearch.decode;

import java.awt.image.Raster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageReader;
import org.w3c.dom.Node;

/**
 * Baseline 8-bit TIFF in the layouts Pillow 9.4 maps one-to-one (TiffImagePlugin.OPEN_INFO): grey "L", palette "P"
 * (16-bit colour map divided by 256), RGB, RGB plus unassociated or unspecified-but-absent alpha as "RGBA", and RGB
 * plus an unspecified extra sample as RGB. Other layouts are refused rather than approximated.
 */
final class TiffDecoder implements FormatDecoder {

    private static final int BITS_PER_SAMPLE = 258;
    private static final int PHOTOMETRIC = 262;
    private static final int SAMPLES_PER_PIXEL = 277;
    private static final int COLOR_MAP = 320;
    private static final int EXTRA_SAMPLES = 338;

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
        int[] bits = field(root, BITS_PER_SAMPLE);
        for (int b : bits) {
            if (b != 8) {
                throw unsupported(photometric, samples, b);
            }
        }
        int extra = first(field(root, EXTRA_SAMPLES), -1);
        if (photometric == 1 && samples == 1) {
            return DecodedImage.of("L", width, height, Rasters.scaledBand(raster(reader), 0, 1));
        }
        if (photometric == 3 && samples == 1) {
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
        if (photometric == 2 && (samples == 3 || (samples == 4 && extra == 0))) {
            return DecodedImage.of("RGB", width, height, Rasters.interleave(raster(reader), new int[] {0, 1, 2}, 0));
        }
        if (photometric == 2 && samples == 4 && (extra == -1 || extra == 2 || extra == 999)) {
            return DecodedImage.of("RGBA", width, height,
                    Rasters.interleave(raster(reader), new int[] {0, 1, 2, 3}, 0));
        }
        throw unsupported(photometric, samples, 8);
    }

    private static Raster raster(ImageReader reader) throws IOException {
        return reader.read(0).getRaster();
    }

    private static ImageDecodeException unsupported(int photometric, int samples, int bits) {
        return new ImageDecodeException("unsupported TIFF layout (photometric " + photometric + ", " + samples
                + " samples of " + bits + " bits)");
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

package dev.imgsearch.decode;

import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import javax.imageio.metadata.IIOMetadataNode;
import org.w3c.dom.Node;

/** Small helpers shared by the format decoders: raw raster samples and ImageIO metadata trees. */
final class Rasters {

    private Rasters() {
    }

    /**
     * Pixel-interleaved bytes of the given raster bands, each sample shifted right by {@code shift} (8 keeps the high
     * byte of a 16-bit sample, as Pillow's ";16B" unpackers do).
     */
    static byte[] interleave(Raster raster, int[] bands, int shift) {
        if (shift == 0 && raster.getDataBuffer() instanceof DataBufferByte buffer && buffer.getNumBanks() == 1
                && raster.getSampleModel() instanceof ComponentSampleModel model) {
            return interleaveBytes(raster, buffer, model, bands);
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        int nb = raster.getNumBands();
        int out = bands.length;
        byte[] result = new byte[Math.multiplyExact(Math.multiplyExact(w, h), out)];
        int[] row = new int[w * nb];
        int x0 = raster.getMinX();
        int y0 = raster.getMinY();
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(x0, y0 + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int base = x * nb;
                for (int band : bands) {
                    result[o++] = (byte) (row[base + band] >>> shift);
                }
            }
        }
        return result;
    }

    /**
     * The common case of 8-bit samples in one array, read without the per-pixel Raster API; a raster already in the
     * wanted layout is returned as is (the caller owns the freshly decoded raster).
     */
    private static byte[] interleaveBytes(Raster raster, DataBufferByte buffer, ComponentSampleModel model,
            int[] bands) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int out = bands.length;
        byte[] data = buffer.getData();
        int pixelStride = model.getPixelStride();
        int scanlineStride = model.getScanlineStride();
        int[] offsets = new int[out];
        for (int i = 0; i < out; i++) {
            offsets[i] = model.getBandOffsets()[bands[i]];
        }
        int origin = buffer.getOffset()
                + (raster.getMinY() - raster.getSampleModelTranslateY()) * scanlineStride
                + (raster.getMinX() - raster.getSampleModelTranslateX()) * pixelStride;
        boolean inOrder = pixelStride == out;
        for (int i = 0; i < out; i++) {
            inOrder &= offsets[i] == i;
        }
        int rowLength = w * out;
        if (inOrder && origin == 0 && scanlineStride == rowLength && data.length == rowLength * h) {
            // The raster was decoded straight into the layout wanted: hand its array over.
            return data;
        }
        byte[] result = new byte[Math.multiplyExact(Math.multiplyExact(w, h), out)];
        if (inOrder) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(data, origin + y * scanlineStride, result, y * rowLength, rowLength);
            }
            return result;
        }
        int o = 0;
        for (int y = 0; y < h; y++) {
            int p = origin + y * scanlineStride;
            for (int x = 0; x < w; x++, p += pixelStride) {
                for (int i = 0; i < out; i++) {
                    result[o++] = data[p + offsets[i]];
                }
            }
        }
        return result;
    }

    /** One band as bytes, each sample multiplied by {@code scale} (Pillow widens 1/2/4-bit grey this way). */
    static byte[] scaledBand(Raster raster, int band, int scale) {
        if (scale == 1 && raster.getDataBuffer() instanceof DataBufferByte buffer && buffer.getNumBanks() == 1
                && raster.getSampleModel() instanceof ComponentSampleModel model) {
            return interleaveBytes(raster, buffer, model, new int[] {band});
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] result = new byte[Math.multiplyExact(w, h)];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, row);
            for (int x = 0; x < w; x++) {
                result[y * w + x] = (byte) (row[x] * scale);
            }
        }
        return result;
    }

    /** One band as ints. */
    static int[] intBand(Raster raster, int band) {
        return raster.getSamples(raster.getMinX(), raster.getMinY(), raster.getWidth(), raster.getHeight(), band,
                new int[Math.multiplyExact(raster.getWidth(), raster.getHeight())]);
    }

    /** Pillow's default palette: entries a file does not define stay a grey ramp. */
    static byte[] rampPalette() {
        byte[] palette = new byte[768];
        for (int i = 0; i < 256; i++) {
            palette[3 * i] = palette[3 * i + 1] = palette[3 * i + 2] = (byte) i;
        }
        return palette;
    }

    static IIOMetadataNode child(Node parent, String name) {
        for (Node n = parent == null ? null : parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (name.equals(n.getNodeName())) {
                return (IIOMetadataNode) n;
            }
        }
        return null;
    }

    static int intAttr(IIOMetadataNode node, String name) {
        return Integer.parseInt(node.getAttribute(name));
    }
}

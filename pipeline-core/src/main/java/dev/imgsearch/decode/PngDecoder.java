package dev.imgsearch.decode;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;

import java.awt.image.DataBuffer;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.IntStream;
import javax.imageio.IIOException;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadataNode;
import org.w3c.dom.Node;

/**
 * PNG with Pillow 9.4's mode table (PngImagePlugin._MODES): 1-bit grey is "1", 2/4-bit grey is widened to "L",
 * 16-bit grey becomes "I", 16-bit colour keeps the high byte, 16-bit grey+alpha becomes "RGBA". tRNS, gAMA and
 * iCCP do not change the samples (Pillow ignores them when converting to RGB). {@link PngChunks} applies Pillow's
 * checksum rule and tolerance of a damaged tail first.
 */
final class PngDecoder implements FormatDecoder {

    private static final String NATIVE_FORMAT = "javax_imageio_png_1.0";

    @Override
    public DecodedImage decode(byte[] data, ImageReader reader, PixelLimit limit)
            throws IOException, ImageDecodeException {
        PngChunks chunks = PngChunks.scan(data);
        byte[] repaired = chunks.withIntactTail(data);
        if (repaired != data) {
            reader.setInput(new ByteArrayImageInputStream(repaired), true, false);
        }
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        limit.check(width, height);
        Node root = reader.getImageMetadata(0).getAsTree(NATIVE_FORMAT);
        IIOMetadataNode header = Rasters.child(root, "IHDR");
        if (header == null) {
            throw new IIOException("missing IHDR");
        }
        int bitDepth = Rasters.intAttr(header, "bitDepth");
        String colorType = header.getAttribute("colorType");
        Raster raster = reader.read(0, naturalLayout(reader)).getRaster();
        int shift = bitDepth == 16 ? 8 : 0;
        return switch (colorType) {
            case "Grayscale" -> switch (bitDepth) {
                case 1 -> DecodedImage.of("1", width, height, Rasters.scaledBand(raster, 0, 255));
                case 2 -> DecodedImage.of("L", width, height, Rasters.scaledBand(raster, 0, 0x55));
                case 4 -> DecodedImage.of("L", width, height, Rasters.scaledBand(raster, 0, 0x11));
                case 8 -> DecodedImage.of("L", width, height, Rasters.scaledBand(raster, 0, 1));
                default -> DecodedImage.int32(width, height, Rasters.intBand(raster, 0));
            };
            case "RGB" -> DecodedImage.of("RGB", width, height, Rasters.interleave(raster, new int[] {0, 1, 2}, shift));
            case "GrayAlpha" -> bitDepth == 16
                    ? DecodedImage.of("RGBA", width, height, Rasters.interleave(raster, new int[] {0, 0, 0, 1}, 8))
                    : DecodedImage.of("LA", width, height, Rasters.interleave(raster, new int[] {0, 1}, 0));
            case "RGBAlpha" ->
                    DecodedImage.of("RGBA", width, height, Rasters.interleave(raster, new int[] {0, 1, 2, 3}, shift));
            case "Palette" ->
                    DecodedImage.palette(width, height, Rasters.scaledBand(raster, 0, 1), palette(root, chunks.paletteEntries()));
            default -> throw new IIOException("unknown colour type " + colorType);
        };
    }

    /**
     * Asks for 8-bit samples interleaved in file order (R,G,B,A rather than the default ABGR) when the reader offers
     * it, so that the decoded array can be used without reordering.
     */
    private static ImageReadParam naturalLayout(ImageReader reader) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        for (Iterator<ImageTypeSpecifier> it = reader.getImageTypes(0); it.hasNext(); ) {
            ImageTypeSpecifier type = it.next();
            if (type.getSampleModel() instanceof PixelInterleavedSampleModel model
                    && model.getDataType() == DataBuffer.TYPE_BYTE && model.getNumBands() > 1
                    && model.getPixelStride() == model.getNumBands()
                    && Arrays.equals(model.getBandOffsets(), IntStream.range(0, model.getNumBands()).toArray())) {
                param.setDestinationType(type);
                break;
            }
        }
        return param;
    }

    /** The file's palette entries over Pillow's grey ramp; the entries the JDK reader pads with are not the file's. */
    private static byte[] palette(Node root, int entries) {
        byte[] palette = Rasters.rampPalette();
        IIOMetadataNode plte = Rasters.child(root, "PLTE");
        for (Node n = plte == null ? null : plte.getFirstChild(); n != null; n = n.getNextSibling()) {
            IIOMetadataNode entry = (IIOMetadataNode) n;
            int i = Rasters.intAttr(entry, "index");
            if (i >= entries) {
                continue;
            }
            palette[3 * i] = (byte) Rasters.intAttr(entry, "red");
            palette[3 * i + 1] = (byte) Rasters.intAttr(entry, "green");
            palette[3 * i + 2] = (byte) Rasters.intAttr(entry, "blue");
        }
        return palette;
    }
}

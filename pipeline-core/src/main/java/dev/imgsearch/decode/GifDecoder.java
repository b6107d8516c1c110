package dev.imgsearch.decode;

import java.awt.image.Raster;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.IIOException;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import org.w3c.dom.Node;

/**
 * The first frame of a GIF, placed as Pillow 9.4's GifImagePlugin places it: on a canvas the size of the logical
 * screen (grown to fit the frame), filled with the frame's transparent index or 0, in mode "P" unless the palette is
 * the identity grey ramp, which makes it "L" (and so resized with bicubic rather than nearest). A frame whose LZW code
 * size the JDK refuses and Pillow accepts is decoded by {@link GifLzw}.
 */
final class GifDecoder implements FormatDecoder {

    @Override
    public DecodedImage decode(byte[] data, ImageReader reader, PixelLimit limit)
            throws IOException, ImageDecodeException {
        Node stream = reader.getStreamMetadata().getAsTree("javax_imageio_gif_stream_1.0");
        Node image = reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
        IIOMetadataNode screen = Rasters.child(stream, "LogicalScreenDescriptor");
        IIOMetadataNode descriptor = Rasters.child(image, "ImageDescriptor");
        if (screen == null || descriptor == null) {
            throw new IIOException("missing screen or image descriptor");
        }
        int left = Rasters.intAttr(descriptor, "imageLeftPosition");
        int top = Rasters.intAttr(descriptor, "imageTopPosition");
        int frameWidth = Rasters.intAttr(descriptor, "imageWidth");
        int frameHeight = Rasters.intAttr(descriptor, "imageHeight");
        int width = Math.max(Rasters.intAttr(screen, "logicalScreenWidth"), left + frameWidth);
        int height = Math.max(Rasters.intAttr(screen, "logicalScreenHeight"), top + frameHeight);
        limit.check(width, height);

        int[] colors = colorTable(Rasters.child(image, "LocalColorTable"));
        if (colors == null) {
            colors = colorTable(Rasters.child(stream, "GlobalColorTable"));
        }
        IIOMetadataNode control = Rasters.child(image, "GraphicControlExtension");
        int fill = control != null && "TRUE".equals(control.getAttribute("transparentColorFlag"))
                ? Rasters.intAttr(control, "transparentColorIndex") : 0;

        byte[] canvas = new byte[Math.multiplyExact(width, height)];
        if (fill != 0) {
            Arrays.fill(canvas, (byte) fill);
        }
        GifLzw.Frame frame = GifLzw.firstFrame(data);
        if (frame.codeSize() > GifLzw.JDK_MAX_CODE_SIZE) {
            byte[] indices = GifLzw.decode(data, frame);
            for (int y = 0; y < frame.height(); y++) {
                System.arraycopy(indices, y * frame.width(), canvas, (top + y) * width + left, frame.width());
            }
        } else {
            place(reader.read(0).getRaster(), canvas, width, left, top);
        }
        if (colors == null || isIdentityGreyRamp(colors)) {
            return DecodedImage.of("L", width, height, canvas);
        }
        byte[] palette = Rasters.rampPalette();
        for (int i = 0; i < colors.length / 3; i++) {
            palette[3 * i] = (byte) colors[3 * i];
            palette[3 * i + 1] = (byte) colors[3 * i + 1];
            palette[3 * i + 2] = (byte) colors[3 * i + 2];
        }
        return DecodedImage.palette(width, height, canvas, palette);
    }

    private static void place(Raster raster, byte[] canvas, int width, int left, int top) {
        int[] row = new int[raster.getWidth()];
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, raster.getWidth(), 1, 0, row);
            int offset = (top + y) * width + left;
            for (int x = 0; x < row.length; x++) {
                canvas[offset + x] = (byte) row[x];
            }
        }
    }

    /** The table's RGB triples, or null when the file has none. */
    private static int[] colorTable(IIOMetadataNode table) {
        if (table == null) {
            return null;
        }
        int size = table.getAttribute("sizeOfGlobalColorTable").isEmpty()
                ? Rasters.intAttr(table, "sizeOfLocalColorTable")
                : Rasters.intAttr(table, "sizeOfGlobalColorTable");
        int[] colors = new int[3 * size];
        for (Node n = table.getFirstChild(); n != null; n = n.getNextSibling()) {
            IIOMetadataNode entry = (IIOMetadataNode) n;
            int i = Rasters.intAttr(entry, "index");
            colors[3 * i] = Rasters.intAttr(entry, "red");
            colors[3 * i + 1] = Rasters.intAttr(entry, "green");
            colors[3 * i + 2] = Rasters.intAttr(entry, "blue");
        }
        return colors;
    }

    /** GifImagePlugin._is_palette_needed, negated. */
    private static boolean isIdentityGreyRamp(int[] colors) {
        for (int i = 0; i < colors.length / 3; i++) {
            if (colors[3 * i] != i || colors[3 * i + 1] != i || colors[3 * i + 2] != i) {
                return false;
            }
        }
        return true;
    }
}

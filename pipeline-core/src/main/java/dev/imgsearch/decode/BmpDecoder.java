package dev.imgsearch.decode;

import java.awt.image.Raster;
import java.io.IOException;
import javax.imageio.ImageReader;

/**
 * BMP with Pillow 9.4's BmpImagePlugin rules, read from the headers here: palette files whose palette is the grey
 * ramp become "L" (or "1" for black/white), other palette files "P"; 32-bit files are "RGB" (the fourth byte ignored)
 * unless their bit fields name an alpha mask; 16-bit samples are widened as v*255/31 (or /63). The pixels themselves,
 * including RLE, come from the reader.
 */
final class BmpDecoder implements FormatDecoder {

    private static final int RAW = 0;
    private static final int RLE8 = 1;
    private static final int RLE4 = 2;
    private static final int BITFIELDS = 3;

    @Override
    public DecodedImage decode(byte[] data, ImageReader reader, PixelLimit limit)
            throws IOException, ImageDecodeException {
        if (data.length < 18) {
            throw new ImageDecodeException("truncated or corrupt BMP: file ends inside its header");
        }
        int headerSize = i32(data, 14);
        if (data.length < 14 + headerSize || !(headerSize == 12 || headerSize == 40 || headerSize == 64
                || headerSize == 108 || headerSize == 124)) {
            throw new ImageDecodeException("unsupported BMP header (" + headerSize + " bytes)");
        }
        long width;
        long height;
        int bits;
        int compression;
        int colors;
        int paletteEntrySize;
        if (headerSize == 12) {
            width = i16(data, 18);
            height = i16(data, 20);
            bits = i16(data, 24);
            compression = RAW;
            colors = 0;
            paletteEntrySize = 3;
        } else {
            width = i32(data, 18);
            height = Math.abs((long) i32(data, 22));
            bits = i16(data, 28);
            compression = i32(data, 30);
            colors = i32(data, 46);
            paletteEntrySize = 4;
        }
        limit.check(width, height);
        if (compression != RAW && compression != RLE8 && compression != RLE4 && compression != BITFIELDS) {
            throw new ImageDecodeException("unsupported BMP compression (" + compression + ")");
        }
        int paletteColors = colors == 0 ? 1 << bits : colors;
        if (compression == RLE8 || compression == RLE4) {
            byte[] indices = rleIndices(data, pixelDataOffset(data, headerSize, bits, paletteColors), (int) width,
                    (int) height, compression == RLE4, i32(data, 22) < 0);
            return paletteImage(data, 14 + headerSize, paletteColors, paletteEntrySize, (int) width, (int) height,
                    indices);
        }
        Raster raster = reader.read(0).getRaster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        return switch (bits) {
            case 1, 4, 8 -> paletteImage(data, 14 + headerSize, paletteColors, paletteEntrySize, w, h,
                    Rasters.scaledBand(raster, 0, 1));
            case 16 -> DecodedImage.of("RGB", w, h, widen16(raster));
            case 24 -> DecodedImage.of("RGB", w, h, Rasters.interleave(raster, new int[] {0, 1, 2}, 0));
            case 32 -> compression == BITFIELDS && hasAlphaMask(data, headerSize) && raster.getNumBands() == 4
                    ? DecodedImage.of("RGBA", w, h, Rasters.interleave(raster, new int[] {0, 1, 2, 3}, 0))
                    : DecodedImage.of("RGB", w, h, Rasters.interleave(raster, new int[] {0, 1, 2}, 0));
            default -> throw new ImageDecodeException("unsupported BMP pixel depth (" + bits + ")");
        };
    }

    private static DecodedImage paletteImage(byte[] data, int paletteStart, int colors, int entrySize, int w, int h,
            byte[] indices) throws ImageDecodeException {
        if (colors <= 0 || colors > 256 || paletteStart + (long) colors * entrySize > data.length) {
            throw new ImageDecodeException("unsupported BMP palette size (" + colors + ")");
        }
        boolean grey = true;
        for (int i = 0; i < colors; i++) {
            int expected = colors == 2 ? (i == 0 ? 0 : 255) : i;
            int p = paletteStart + i * entrySize;
            grey &= (data[p] & 0xFF) == expected && (data[p + 1] & 0xFF) == expected
                    && (data[p + 2] & 0xFF) == expected;
        }
        if (grey) {
            if (colors != 2) {
                return DecodedImage.of("L", w, h, indices);
            }
            for (int i = 0; i < indices.length; i++) {
                indices[i] = indices[i] == 0 ? 0 : (byte) 255;
            }
            return DecodedImage.of("1", w, h, indices);
        }
        byte[] palette = Rasters.rampPalette();
        for (int i = 0; i < colors; i++) {
            int p = paletteStart + i * entrySize;
            palette[3 * i] = data[p + 2];
            palette[3 * i + 1] = data[p + 1];
            palette[3 * i + 2] = data[p];
        }
        return DecodedImage.palette(w, h, indices, palette);
    }

    /** Where the pixels start: bfOffBits, moved past the palette when it points at it (as BmpImagePlugin does). */
    private static int pixelDataOffset(byte[] data, int headerSize, int bits, int colors) {
        int offset = i32(data, 10);
        return offset == 14 + headerSize && bits <= 8 ? offset + 4 * colors : offset;
    }

    /**
     * BmpImagePlugin.BmpRleDecoder, quirks included, since files that use them decode differently elsewhere: a
     * delta escape consumes four bytes, an odd RLE4 absolute run reads one byte too few, the word alignment after an
     * absolute run follows the file offset, a run past the row end is cut, and skipped pixels are index 0. A stream
     * that ends before the last row is refused, as Pillow refuses it ("not enough image data").
     */
    static byte[] rleIndices(byte[] data, int offset, int width, int height, boolean rle4, boolean topDown)
            throws ImageDecodeException {
        long total = (long) width * height;
        byte[] out = new byte[(int) total];
        long n = 0;
        int x = 0;
        int p = offset;
        while (n < total && p + 1 < data.length) {
            int count = data[p] & 0xFF;
            int value = data[p + 1] & 0xFF;
            p += 2;
            if (count > 0) {
                count = x + count > width ? Math.max(0, width - x) : count;
                for (int i = 0; i < count; i++) {
                    n = put(out, n, rle4 ? (i % 2 == 0 ? value >> 4 : value & 0x0F) : value);
                }
                x += count;
            } else if (value == 0) {
                n = Math.min(total, (n + width - 1) / width * width);
                x = 0;
            } else if (value == 1) {
                break;
            } else if (value == 2) {
                if (p + 4 > data.length) {
                    break;
                }
                n = Math.min(total, n + (data[p + 2] & 0xFF) + (long) (data[p + 3] & 0xFF) * width);
                p += 4;
                x = (int) (n % width);
            } else {
                int bytes = rle4 ? value / 2 : value;
                int available = Math.min(bytes, data.length - p);
                for (int i = 0; i < available; i++) {
                    int b = data[p + i] & 0xFF;
                    if (rle4) {
                        n = put(out, n, b >> 4);
                        n = put(out, n, b & 0x0F);
                    } else {
                        n = put(out, n, b);
                    }
                }
                p += available;
                if (available < bytes) {
                    break;
                }
                x += value;
                if (p % 2 != 0) {
                    p++;
                }
            }
        }
        if (n < total) {
            throw new ImageDecodeException("truncated or corrupt BMP: not enough image data (RLE stream ends after "
                    + n + " of " + total + " pixels)");
        }
        if (!topDown) {
            byte[] row = new byte[width];
            for (int top = 0, bottom = height - 1; top < bottom; top++, bottom--) {
                System.arraycopy(out, top * width, row, 0, width);
                System.arraycopy(out, bottom * width, out, top * width, width);
                System.arraycopy(row, 0, out, bottom * width, width);
            }
        }
        return out;
    }

    /** Appends one index at position n (dropping what runs past the image, as Pillow's raw decoder ignores it). */
    private static long put(byte[] out, long n, int index) {
        if (n < out.length) {
            out[(int) n] = (byte) index;
        }
        return n + 1;
    }

    /** Pillow's BGR;15 and BGR;16 unpackers: each field scaled by integer 255/max. */
    private static byte[] widen16(Raster raster) {
        int[] maxima = new int[3];
        for (int b = 0; b < 3; b++) {
            maxima[b] = (1 << raster.getSampleModel().getSampleSize(b)) - 1;
        }
        byte[] rgb = new byte[Math.multiplyExact(raster.getWidth() * raster.getHeight(), 3)];
        int[] row = new int[raster.getWidth() * raster.getNumBands()];
        int o = 0;
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, raster.getWidth(), 1, row);
            for (int x = 0; x < raster.getWidth(); x++) {
                for (int b = 0; b < 3; b++) {
                    rgb[o++] = (byte) (row[x * raster.getNumBands() + b] * 255 / maxima[b]);
                }
            }
        }
        return rgb;
    }

    private static boolean hasAlphaMask(byte[] data, int headerSize) {
        return headerSize >= 56 && i32(data, 14 + 52) != 0;
    }

    private static int i16(byte[] data, int pos) {
        return (data[pos] & 0xFF) | ((data[pos + 1] & 0xFF) << 8);
    }

    private static int i32(byte[] data, int pos) {
        return (data[pos] & 0xFF) | ((data[pos + 1] & 0xFF) << 8) | ((data[pos + 2] & 0xFF) << 16)
                | ((data[pos + 3] & 0xFF) << 24);
    }
}

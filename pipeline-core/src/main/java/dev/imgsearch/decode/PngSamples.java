package dev.imgsearch.decode;

/**
 * A PNG's raw samples (rows as the file holds them once unfiltered and deinterlaced: sub-byte samples packed, 16-bit
 * ones big-endian) to the image Pillow 9.4's mode table (PngImagePlugin._MODES) gives: 1-bit grey is "1", 2/4-bit grey
 * is widened to "L", 16-bit grey becomes "I", 16-bit colour keeps the high byte, 16-bit grey+alpha becomes "RGBA",
 * palette images stay "P" whatever tRNS says. The same table {@link PngDecoder} applies to ImageIO's rasters.
 */
final class PngSamples {

    static final int GREY = 0;
    static final int RGB = 2;
    static final int PALETTE = 3;
    static final int GREY_ALPHA = 4;
    static final int RGBA = 6;

    private PngSamples() {
    }

    /** The bytes one row takes in the raw layout. */
    private static long rowBytes(int width, int colorType, int bitDepth) {
        return ((long) width * channels(colorType) * bitDepth + 7) / 8;
    }

    /**
     * @param raw the raw samples, {@link #rowBytes} per row
     * @param plte the PLTE entries as RGB triplets (palette images only; indices past them keep Pillow's grey ramp)
     */
    static DecodedImage toImage(int width, int height, int colorType, int bitDepth, byte[] raw, byte[] plte)
            throws ImageDecodeException {
        int row = (int) rowBytes(width, colorType, bitDepth);
        return switch (colorType) {
            case GREY -> switch (bitDepth) {
                case 1 -> DecodedImage.of("1", width, height, unpack(raw, width, height, row, 1, 255));
                case 2 -> DecodedImage.of("L", width, height, unpack(raw, width, height, row, 2, 0x55));
                case 4 -> DecodedImage.of("L", width, height, unpack(raw, width, height, row, 4, 0x11));
                case 8 -> DecodedImage.of("L", width, height, raw);
                default -> DecodedImage.int32(width, height, wide(raw, width * height));
            };
            case RGB -> DecodedImage.of("RGB", width, height, bitDepth == 8 ? raw : highBytes(raw));
            case GREY_ALPHA -> bitDepth == 8
                    ? DecodedImage.of("LA", width, height, raw)
                    : DecodedImage.of("RGBA", width, height, greyAlphaToRgba(raw, width * height));
            case RGBA -> DecodedImage.of("RGBA", width, height, bitDepth == 8 ? raw : highBytes(raw));
            case PALETTE -> DecodedImage.palette(width, height,
                    bitDepth == 8 ? raw : unpack(raw, width, height, row, bitDepth, 1), palette(plte));
            default -> throw new ImageDecodeException("truncated or corrupt PNG: unknown colour type " + colorType);
        };
    }

    private static int channels(int colorType) {
        return switch (colorType) {
            case RGB -> 3;
            case GREY_ALPHA -> 2;
            case RGBA -> 4;
            default -> 1;
        };
    }

    /** Sub-byte samples, most significant first in each byte, each multiplied by {@code scale}. */
    private static byte[] unpack(byte[] raw, int width, int height, int row, int bits, int scale) {
        byte[] out = new byte[width * height];
        int perByte = 8 / bits;
        int mask = (1 << bits) - 1;
        for (int y = 0, o = 0; y < height; y++) {
            int base = y * row;
            for (int x = 0; x < width; x++) {
                int shift = 8 - bits * (x % perByte + 1);
                out[o++] = (byte) (((raw[base + x / perByte] >> shift) & mask) * scale);
            }
        }
        return out;
    }

    private static int[] wide(byte[] raw, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = ((raw[2 * i] & 0xFF) << 8) | (raw[2 * i + 1] & 0xFF);
        }
        return out;
    }

    private static byte[] highBytes(byte[] raw) {
        byte[] out = new byte[raw.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = raw[2 * i];
        }
        return out;
    }

    private static byte[] greyAlphaToRgba(byte[] raw, int count) {
        byte[] out = new byte[4 * count];
        for (int i = 0; i < count; i++) {
            byte grey = raw[4 * i];
            out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = grey;
            out[4 * i + 3] = raw[4 * i + 2];
        }
        return out;
    }

    private static byte[] palette(byte[] plte) {
        byte[] palette = Rasters.rampPalette();
        System.arraycopy(plte, 0, palette, 0, Math.min(plte.length, palette.length));
        return palette;
    }
}

package dev.imgsearch.decode;

/**
 * libjpeg's YCbCr to RGB conversion (jdcolor.c), as libjpeg-turbo and so Pillow apply it: fixed point with 16
 * fractional bits, each term rounded as jdcolor.c's tables round it, the sum clamped to 0..255. There are two forms of
 * the same integers: arithmetic over int arrays, which the JIT vectorises, for the resize that converts only the
 * columns it reads, and jdcolor.c's own tables for pixel-interleaved bytes, where lookups beat arithmetic the JIT
 * cannot vectorise. They agree on all 2^24 inputs ({@code JpegColorTest}).
 */
public final class JpegColor {

    private static final int SCALEBITS = 16;
    private static final int HALF = 1 << (SCALEBITS - 1);
    // FIX(1.40200), FIX(1.77200), FIX(0.71414), FIX(0.34414).
    private static final int CR_R = fix(1.40200);
    private static final int CB_B = fix(1.77200);
    private static final int CR_G = fix(0.71414);
    private static final int CB_G = fix(0.34414);
    // jdcolor.c's tables; the green terms of Cb and Cr stay unshifted, their sum is shifted once (all fit an int).
    private static final int[] CR_R_TABLE = new int[256];
    private static final int[] CB_B_TABLE = new int[256];
    private static final int[] CR_G_TABLE = new int[256];
    private static final int[] CB_G_TABLE = new int[256];
    // libjpeg's range_limit: a sample plus any colour term, clamped to 0..255 by one lookup.
    private static final int RANGE_OFFSET = 256;
    private static final byte[] RANGE = new byte[3 * 256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R_TABLE[i] = (CR_R * x + HALF) >> SCALEBITS;
            CB_B_TABLE[i] = (CB_B * x + HALF) >> SCALEBITS;
            CR_G_TABLE[i] = -CR_G * x;
            CB_G_TABLE[i] = -CB_G * x + HALF;
        }
        for (int i = 0; i < RANGE.length; i++) {
            RANGE[i] = (byte) clamp(i - RANGE_OFFSET);
        }
    }

    private JpegColor() {
    }

    private static int fix(double x) {
        return (int) (x * (1L << SCALEBITS) + 0.5);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(v, 255));
    }

    /**
     * Converts {@code n} pixels held in three int arrays (Y, Cb, Cr samples 0..255) to R, G, B in place: the Y array
     * becomes red, Cb green, Cr blue.
     */
    public static void toRgb(int[] yRed, int[] cbGreen, int[] crBlue, int n) {
        for (int i = 0; i < n; i++) {
            int y = yRed[i];
            int cb = cbGreen[i] - 128;
            int cr = crBlue[i] - 128;
            yRed[i] = clamp(y + ((CR_R * cr + HALF) >> SCALEBITS));
            cbGreen[i] = clamp(y + ((-CB_G * cb - CR_G * cr + HALF) >> SCALEBITS));
            crBlue[i] = clamp(y + ((CB_B * cb + HALF) >> SCALEBITS));
        }
    }

    /** Pixel-interleaved Y, Cb, Cr bytes as R, G, B bytes, in a new array (jdcolor.c ycc_rgb_convert). */
    public static byte[] toRgb(byte[] ycc) {
        byte[] rgb = new byte[ycc.length];
        for (int i = 0; i + 2 < ycc.length; i += 3) {
            int y = (ycc[i] & 0xFF) + RANGE_OFFSET;
            int cb = ycc[i + 1] & 0xFF;
            int cr = ycc[i + 2] & 0xFF;
            rgb[i] = RANGE[y + CR_R_TABLE[cr]];
            rgb[i + 1] = RANGE[y + ((CB_G_TABLE[cb] + CR_G_TABLE[cr]) >> SCALEBITS)];
            rgb[i + 2] = RANGE[y + CB_B_TABLE[cb]];
        }
        return rgb;
    }

    /** jdcolor.c ycck_cmyk_convert, in place: Y, Cb, Cr become inverted C, M, Y; K is kept. */
    static byte[] ycckToCmyk(byte[] ycck) {
        for (int i = 0; i + 3 < ycck.length; i += 4) {
            int y = (ycck[i] & 0xFF) + RANGE_OFFSET;
            int cb = ycck[i + 1] & 0xFF;
            int cr = ycck[i + 2] & 0xFF;
            ycck[i] = (byte) ~RANGE[y + CR_R_TABLE[cr]];
            ycck[i + 1] = (byte) ~RANGE[y + ((CB_G_TABLE[cb] + CR_G_TABLE[cr]) >> SCALEBITS)];
            ycck[i + 2] = (byte) ~RANGE[y + CB_B_TABLE[cb]];
        }
        return ycck;
    }
}

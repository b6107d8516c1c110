package dev.imgsearch.preprocess;

import java.util.Arrays;

/**
 * Pillow 9.4's 8-bit bicubic passes (Resample.c's ImagingResampleHorizontal_8bpc and ImagingResampleVertical_8bpc)
 * with their loops as Pillow writes them: per output pixel, per band, over the taps. The oracle that
 * {@link PillowResampler}'s reordered, vectorisable passes must match byte for byte; the coefficients are the
 * production ones, checked against Pillow itself by the golden tests. Premultiplication is Pillow's byte loop, done
 * on whole rows before the passes, the two steps the resampler fuses into its transposition.
 */
final class ReferenceResampler {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private ReferenceResampler() {
    }

    static byte[] bicubic8(byte[] src, int width, int height, int bands, PillowResampler.Read alpha, int outWidth,
            int outHeight, PillowResampler.Window window) {
        boolean vertical = outHeight != height;
        PillowResampler.Coefficients cy = vertical
                ? PillowResampler.Coefficients.bicubic(height, outHeight, window.y(), window.height()) : null;
        int firstRow = vertical ? cy.min(window.y()) : window.y();
        int last = window.y() + window.height() - 1;
        int tempRows = (vertical ? cy.min(last) + cy.count(last) : last + 1) - firstRow;
        int rowStride = window.width() * bands;

        byte[] temp = new byte[tempRows * rowStride];
        for (int r = 0; r < tempRows; r++) {
            byte[] row = Arrays.copyOfRange(src, (firstRow + r) * width * bands, (firstRow + r + 1) * width * bands);
            if (alpha == PillowResampler.Read.PREMULTIPLY) {
                premultiply(row, bands);
            }
            if (outWidth == width) {
                System.arraycopy(row, window.x() * bands, temp, r * rowStride, rowStride);
                continue;
            }
            PillowResampler.Coefficients cx =
                    PillowResampler.Coefficients.bicubic(width, outWidth, window.x(), window.width());
            int[] kx = cx.fixedPoint();
            for (int c = 0; c < window.width(); c++) {
                int xx = window.x() + c;
                for (int b = 0; b < bands; b++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < cx.count(xx); x++) {
                        ss += (row[(cx.min(xx) + x) * bands + b] & 0xFF) * kx[cx.base(xx) + x];
                    }
                    temp[r * rowStride + c * bands + b] = clip8(ss);
                }
            }
        }
        if (!vertical) {
            return temp;
        }
        int[] ky = cy.fixedPoint();
        byte[] out = new byte[window.height() * rowStride];
        for (int r = 0; r < window.height(); r++) {
            int yy = window.y() + r;
            for (int i = 0; i < rowStride; i++) {
                int ss = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < cy.count(yy); y++) {
                    ss += (temp[(cy.min(yy) - firstRow + y) * rowStride + i] & 0xFF) * ky[cy.base(yy) + y];
                }
                out[r * rowStride + i] = clip8(ss);
            }
        }
        return out;
    }

    /** Convert.c's rgbA2rgba and lA2la as Pillow writes them: every colour sample MULDIV255'd by its pixel's alpha. */
    private static void premultiply(byte[] row, int bands) {
        for (int i = 0; i < row.length; i += bands) {
            int alpha = row[i + bands - 1] & 0xFF;
            for (int b = 0; b < bands - 1; b++) {
                int tmp = (row[i + b] & 0xFF) * alpha + 128;
                row[i + b] = (byte) (((tmp >> 8) + tmp) >> 8);
            }
        }
    }

    private static byte clip8(int accumulator) {
        int v = accumulator >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}

package dev.imgsearch.preprocess;

import java.util.Arrays;

/**
 * A port of Pillow 9.4's resize (libImaging/Resample.c and the nearest-neighbour scale of Geometry.c) that computes
 * only a window of the output: every output pixel depends only on its own coefficient row, so resizing and then
 * cropping gives the same bytes as computing just the crop, while long images skip the discarded part.
 *
 * <p>Bicubic is Keys' cubic with a = -0.5, its support widened by the shrink factor (antialiasing), coefficients in
 * double normalised to 22-bit fixed point, a horizontal pass into an 8-bit intermediate, then a vertical pass. All
 * double arithmetic is written in the same order as the C code so that it rounds identically.
 */
final class PillowResampler {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double BICUBIC_SUPPORT = 2.0;

    /** The output window to compute: columns [x, x + width), rows [y, y + height) of the resized image. */
    record Window(int x, int y, int width, int height) {
    }

    /**
     * The filter taps of one axis for outputs [first, first + n): output i reads inputs [min(i), min(i) + count(i))
     * with the weights from base(i).
     */
    private record Coefficients(int first, int ksize, int[] bounds, double[] weights) {

        int min(int i) {
            return bounds[2 * (i - first)];
        }

        int count(int i) {
            return bounds[2 * (i - first) + 1];
        }

        int base(int i) {
            return (i - first) * ksize;
        }
    }

    private PillowResampler() {
    }

    /**
     * Pillow's precompute_coeffs() for the bicubic filter over the box [0, inSize], for outputs [first, first + n)
     * only, so that memory stays bounded whatever the aspect ratio.
     */
    private static Coefficients bicubicCoefficients(int inSize, int outSize, int first, int n) {
        double scale = (double) (float) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = BICUBIC_SUPPORT * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[n * 2];
        double[] weights = new double[n * ksize];
        for (int i = 0; i < n; i++) {
            int xx = first + i;
            double center = 0.0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            int k = i * ksize;
            for (int x = 0; x < xmax; x++) {
                double w = bicubic((x + xmin - center + 0.5) * ss);
                weights[k + x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    weights[k + x] /= ww;
                }
            }
            bounds[2 * i] = xmin;
            bounds[2 * i + 1] = xmax;
        }
        return new Coefficients(first, ksize, bounds, weights);
    }

    private static double bicubic(double x) {
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return (1.5 * x - 2.5) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * -0.5;
        }
        return 0.0;
    }

    /** normalize_coeffs_8bpc(). */
    private static int[] fixedPoint(double[] weights) {
        int[] fixed = new int[weights.length];
        for (int i = 0; i < weights.length; i++) {
            fixed[i] = weights[i] < 0
                    ? (int) (-0.5 + weights[i] * (1 << PRECISION_BITS))
                    : (int) (0.5 + weights[i] * (1 << PRECISION_BITS));
        }
        return fixed;
    }

    private static byte clip8(int accumulator) {
        int v = accumulator >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /**
     * Bicubic resize of 8-bit pixel-interleaved samples ({@code bands} per pixel) to outWidth x outHeight, returning
     * only {@code window} (pixel-interleaved, window.width * window.height * bands). With {@code premultiply}, the
     * last band is alpha and the source rows are premultiplied (Pillow's RGBA to RGBa) as they are read.
     */
    static byte[] bicubic8(byte[] src, int width, int height, int bands, boolean premultiply, int outWidth,
            int outHeight, Window window) {
        boolean horizontal = outWidth != width;
        boolean vertical = outHeight != height;
        Coefficients cy = vertical ? bicubicCoefficients(height, outHeight, window.y, window.height) : null;
        int firstRow = vertical ? cy.min(window.y) : window.y;
        int tempRows = sourceRowsEnd(cy, window) - firstRow;
        int rowStride = window.width * bands;

        byte[] temp = new byte[tempRows * rowStride];
        byte[] row = premultiply ? new byte[width * bands] : null;
        Coefficients cx = horizontal ? bicubicCoefficients(width, outWidth, window.x, window.width) : null;
        int[] kx = horizontal ? fixedPoint(cx.weights) : null;
        for (int r = 0; r < tempRows; r++) {
            byte[] in = src;
            int inBase = (firstRow + r) * width * bands;
            if (premultiply) {
                PillowConvert.premultiply(src, inBase, row, width * bands, bands);
                in = row;
                inBase = 0;
            }
            if (horizontal) {
                horizontalRow(in, inBase, bands, cx, kx, window, temp, r * rowStride);
            } else {
                System.arraycopy(in, inBase + window.x * bands, temp, r * rowStride, rowStride);
            }
        }
        if (!vertical) {
            return temp;
        }

        int[] ky = fixedPoint(cy.weights);
        byte[] out = new byte[window.height * rowStride];
        int[] acc = new int[rowStride];
        for (int r = 0; r < window.height; r++) {
            int yy = window.y + r;
            int ymin = cy.min(yy) - firstRow;
            int k = cy.base(yy);
            Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            for (int y = 0; y < cy.count(yy); y++) {
                int weight = ky[k + y];
                int p = (ymin + y) * rowStride;
                for (int i = 0; i < rowStride; i++) {
                    acc[i] += (temp[p + i] & 0xFF) * weight;
                }
            }
            int o = r * rowStride;
            for (int i = 0; i < rowStride; i++) {
                out[o + i] = clip8(acc[i]);
            }
        }
        return out;
    }

    /** One row of the horizontal pass, unrolled per band count so that the accumulators stay in registers. */
    private static void horizontalRow(byte[] in, int inBase, int bands, Coefficients cx, int[] kx, Window window,
            byte[] temp, int outBase) {
        int half = 1 << (PRECISION_BITS - 1);
        int o = outBase;
        for (int c = 0; c < window.width; c++) {
            int xx = window.x + c;
            int count = cx.count(xx);
            int k = cx.base(xx);
            int p = inBase + cx.min(xx) * bands;
            switch (bands) {
                case 1 -> {
                    int s0 = half;
                    for (int x = 0; x < count; x++) {
                        s0 += (in[p + x] & 0xFF) * kx[k + x];
                    }
                    temp[o++] = clip8(s0);
                }
                case 2 -> {
                    int s0 = half;
                    int s1 = half;
                    for (int x = 0; x < count; x++, p += 2) {
                        int w = kx[k + x];
                        s0 += (in[p] & 0xFF) * w;
                        s1 += (in[p + 1] & 0xFF) * w;
                    }
                    temp[o++] = clip8(s0);
                    temp[o++] = clip8(s1);
                }
                case 3 -> {
                    int s0 = half;
                    int s1 = half;
                    int s2 = half;
                    for (int x = 0; x < count; x++, p += 3) {
                        int w = kx[k + x];
                        s0 += (in[p] & 0xFF) * w;
                        s1 += (in[p + 1] & 0xFF) * w;
                        s2 += (in[p + 2] & 0xFF) * w;
                    }
                    temp[o++] = clip8(s0);
                    temp[o++] = clip8(s1);
                    temp[o++] = clip8(s2);
                }
                default -> {
                    int s0 = half;
                    int s1 = half;
                    int s2 = half;
                    int s3 = half;
                    for (int x = 0; x < count; x++, p += 4) {
                        int w = kx[k + x];
                        s0 += (in[p] & 0xFF) * w;
                        s1 += (in[p + 1] & 0xFF) * w;
                        s2 += (in[p + 2] & 0xFF) * w;
                        s3 += (in[p + 3] & 0xFF) * w;
                    }
                    temp[o++] = clip8(s0);
                    temp[o++] = clip8(s1);
                    temp[o++] = clip8(s2);
                    temp[o++] = clip8(s3);
                }
            }
        }
    }

    /** One past the last source row the window's output rows read: the horizontal pass resizes only rows before it. */
    private static int sourceRowsEnd(Coefficients cy, Window window) {
        int last = window.y + window.height - 1;
        return cy == null ? last + 1 : cy.min(last) + cy.count(last);
    }

    /** Bicubic resize of 32-bit integer samples (mode I): double accumulation, ROUND_UP to int after each pass. */
    static int[] bicubic32(int[] src, int width, int height, int outWidth, int outHeight, Window window) {
        boolean horizontal = outWidth != width;
        boolean vertical = outHeight != height;
        Coefficients cy = vertical ? bicubicCoefficients(height, outHeight, window.y, window.height) : null;
        int firstRow = vertical ? cy.min(window.y) : window.y;
        int tempRows = sourceRowsEnd(cy, window) - firstRow;
        int tw = window.width;

        int[] temp = new int[tempRows * tw];
        if (horizontal) {
            Coefficients cx = bicubicCoefficients(width, outWidth, window.x, window.width);
            for (int r = 0; r < tempRows; r++) {
                int rowBase = (firstRow + r) * width;
                for (int c = 0; c < tw; c++) {
                    int xx = window.x + c;
                    int k = cx.base(xx);
                    double ss = 0.0;
                    for (int x = 0; x < cx.count(xx); x++) {
                        ss += src[rowBase + cx.min(xx) + x] * cx.weights[k + x];
                    }
                    temp[r * tw + c] = roundUp(ss);
                }
            }
        } else {
            for (int r = 0; r < tempRows; r++) {
                System.arraycopy(src, (firstRow + r) * width + window.x, temp, r * tw, tw);
            }
        }
        if (!vertical) {
            return temp;
        }
        int[] out = new int[window.height * tw];
        for (int r = 0; r < window.height; r++) {
            int yy = window.y + r;
            int ymin = cy.min(yy) - firstRow;
            int k = cy.base(yy);
            for (int c = 0; c < tw; c++) {
                double ss = 0.0;
                for (int y = 0; y < cy.count(yy); y++) {
                    ss += temp[(ymin + y) * tw + c] * cy.weights[k + y];
                }
                out[r * tw + c] = roundUp(ss);
            }
        }
        return out;
    }

    /** Resample.c's ROUND_UP: round half away from zero, then truncate to int. */
    private static int roundUp(double f) {
        return (int) (f >= 0.0 ? f + 0.5 : f - 0.5);
    }

    /**
     * Pillow's NEAREST resize of a one-byte-per-pixel image (modes 1 and P, which Pillow always resizes this way):
     * ImagingScaleAffine, whose source coordinates are accumulated in double one step at a time.
     */
    static byte[] nearest8(byte[] src, int width, int height, int outWidth, int outHeight, Window window) {
        double a0 = (double) (float) width / outWidth;
        double a4 = (double) (float) height / outHeight;
        int[] xin = new int[outWidth];
        boolean[] xValid = new boolean[outWidth];
        double xo = 0.0 + a0 * 0.5;
        for (int x = 0; x < outWidth; x++) {
            int xi = coord(xo);
            if (xi >= 0 && xi < width) {
                xin[x] = xi;
                xValid[x] = true;
            }
            xo += a0;
        }
        byte[] out = new byte[window.width * window.height];
        double yo = 0.0 + a4 * 0.5;
        for (int y = 0; y < window.y + window.height; y++) {
            if (y >= window.y) {
                int yi = coord(yo);
                if (yi >= 0 && yi < height) {
                    int o = (y - window.y) * window.width;
                    for (int c = 0; c < window.width; c++) {
                        int x = window.x + c;
                        if (xValid[x]) {
                            out[o + c] = src[yi * width + xin[x]];
                        }
                    }
                }
            }
            yo += a4;
        }
        return out;
    }

    private static int coord(double v) {
        return v < 0.0 ? -1 : (int) v;
    }
}

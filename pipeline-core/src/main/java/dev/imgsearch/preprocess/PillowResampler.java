package dev.imgsearch.preprocess;

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

    /** The filter taps of one axis: for output i, inputs [bounds[2i], bounds[2i] + bounds[2i+1]) with weights. */
    private record Coefficients(int ksize, int[] bounds, double[] weights) {

        int min(int i) {
            return bounds[2 * i];
        }

        int count(int i) {
            return bounds[2 * i + 1];
        }
    }

    private PillowResampler() {
    }

    /** Pillow's precompute_coeffs() for the bicubic filter over the box [0, inSize]. */
    private static Coefficients bicubicCoefficients(int inSize, int outSize) {
        double scale = (double) (float) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = BICUBIC_SUPPORT * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        double[] weights = new double[outSize * ksize];
        for (int xx = 0; xx < outSize; xx++) {
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
            int k = xx * ksize;
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
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return new Coefficients(ksize, bounds, weights);
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
     * only {@code window} (pixel-interleaved, window.width * window.height * bands).
     */
    static byte[] bicubic8(byte[] src, int width, int height, int bands, int outWidth, int outHeight, Window window) {
        boolean horizontal = outWidth != width;
        boolean vertical = outHeight != height;
        Coefficients cy = bicubicCoefficients(height, outHeight);
        int firstRow = vertical ? cy.min(window.y) : window.y;
        int lastRow = vertical
                ? cy.min(window.y + window.height - 1) + cy.count(window.y + window.height - 1)
                : window.y + window.height;
        int tempRows = lastRow - firstRow;
        int tw = window.width;

        byte[] temp = new byte[tempRows * tw * bands];
        if (horizontal) {
            Coefficients cx = bicubicCoefficients(width, outWidth);
            int[] kx = fixedPoint(cx.weights);
            int[] acc = new int[bands];
            for (int r = 0; r < tempRows; r++) {
                int rowBase = (firstRow + r) * width * bands;
                for (int c = 0; c < tw; c++) {
                    int xx = window.x + c;
                    int xmin = cx.min(xx);
                    int xcount = cx.count(xx);
                    int k = xx * cx.ksize;
                    java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
                    int p = rowBase + xmin * bands;
                    for (int x = 0; x < xcount; x++) {
                        int weight = kx[k + x];
                        for (int b = 0; b < bands; b++) {
                            acc[b] += (src[p++] & 0xFF) * weight;
                        }
                    }
                    int o = (r * tw + c) * bands;
                    for (int b = 0; b < bands; b++) {
                        temp[o + b] = clip8(acc[b]);
                    }
                }
            }
        } else {
            for (int r = 0; r < tempRows; r++) {
                System.arraycopy(src, ((firstRow + r) * width + window.x) * bands, temp, r * tw * bands, tw * bands);
            }
        }
        if (!vertical) {
            return temp;
        }

        int[] ky = fixedPoint(cy.weights);
        byte[] out = new byte[window.height * tw * bands];
        int rowStride = tw * bands;
        for (int r = 0; r < window.height; r++) {
            int yy = window.y + r;
            int ymin = cy.min(yy) - firstRow;
            int ycount = cy.count(yy);
            int k = yy * cy.ksize;
            for (int i = 0; i < rowStride; i++) {
                int acc = 1 << (PRECISION_BITS - 1);
                int p = ymin * rowStride + i;
                for (int y = 0; y < ycount; y++) {
                    acc += (temp[p] & 0xFF) * ky[k + y];
                    p += rowStride;
                }
                out[r * rowStride + i] = clip8(acc);
            }
        }
        return out;
    }

    /** Bicubic resize of 32-bit integer samples (mode I): double accumulation, ROUND_UP to int after each pass. */
    static int[] bicubic32(int[] src, int width, int height, int outWidth, int outHeight, Window window) {
        boolean horizontal = outWidth != width;
        boolean vertical = outHeight != height;
        Coefficients cy = bicubicCoefficients(height, outHeight);
        int firstRow = vertical ? cy.min(window.y) : window.y;
        int lastRow = vertical
                ? cy.min(window.y + window.height - 1) + cy.count(window.y + window.height - 1)
                : window.y + window.height;
        int tempRows = lastRow - firstRow;
        int tw = window.width;

        int[] temp = new int[tempRows * tw];
        if (horizontal) {
            Coefficients cx = bicubicCoefficients(width, outWidth);
            for (int r = 0; r < tempRows; r++) {
                int rowBase = (firstRow + r) * width;
                for (int c = 0; c < tw; c++) {
                    int xx = window.x + c;
                    int k = xx * cx.ksize;
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
            int k = yy * cy.ksize;
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

package dev.imgsearch.preprocess;

import dev.imgsearch.decode.JpegColor;
import java.util.Arrays;

/**
 * A port of Pillow 9.4's resize (libImaging/Resample.c and the nearest-neighbour scale of Geometry.c) that computes
 * only a window of the output: every output pixel depends only on its own coefficient row, so resizing and then
 * cropping gives the same bytes as computing just the crop, while long images skip the discarded part.
 *
 * <p>Bicubic is Keys' cubic with a = -0.5, its support widened by the shrink factor (antialiasing), coefficients in
 * double normalised to 22-bit fixed point, a horizontal pass into an 8-bit intermediate, then a vertical pass. All
 * double arithmetic is written in the same order as the C code so that it rounds identically.
 *
 * <p>The 8-bit passes give Pillow's integers in a different order of work, laid out for the JIT: every multiply-add
 * loop runs over whole int arrays with one weight, the one loop shape Java 17 turns into vector instructions (it does
 * not vectorise Pillow's per-pixel loop over a few taps, loops over byte arrays, or loops over an array at an offset).
 * Integer sums do not depend on their order, so the result is Pillow's to the bit.
 */
final class PillowResampler {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    private static final double BICUBIC_SUPPORT = 2.0;
    // Source rows the horizontal pass filters at once: the length of its multiply-add loops.
    private static final int BLOCK_ROWS = 128;
    // Output samples the horizontal pass writes back to its rows at once: a 64-byte cache line of ints per row.
    private static final int TILE = 16;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The output window to compute: columns [x, x + width), rows [y, y + height) of the resized image. */
    record Window(int x, int y, int width, int height) {
    }

    /** What the resize does with the source samples as it reads them. */
    enum Read {
        /** Every band is a colour (or grey) sample. */
        AS_IS,
        /** The last band is alpha: the others are premultiplied by it as the source is read (RGBA to RGBa). */
        PREMULTIPLY,
        /** The three bands are a JPEG's Y, Cb, Cr: each column read is converted to RGB as libjpeg converts it. */
        JPEG_YCC
    }

    /**
     * The filter taps of one axis for outputs [first, first + n): output i reads inputs [min(i), min(i) + count(i))
     * with the weights from base(i).
     */
    record Coefficients(int first, int ksize, int[] bounds, double[] weights) {

        /**
         * Pillow's precompute_coeffs() for the bicubic filter over the box [0, inSize], for outputs
         * [first, first + n) only, so that memory stays bounded whatever the aspect ratio.
         */
        static Coefficients bicubic(int inSize, int outSize, int first, int n) {
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
                    double w = bicubicFilter((x + xmin - center + 0.5) * ss);
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

        int min(int i) {
            return bounds[2 * (i - first)];
        }

        int count(int i) {
            return bounds[2 * (i - first) + 1];
        }

        int base(int i) {
            return (i - first) * ksize;
        }

        /** One past the last input the outputs read (inputs are read in increasing order as outputs increase). */
        int end() {
            int last = first + bounds.length / 2 - 1;
            return min(last) + count(last);
        }

        /** normalize_coeffs_8bpc(): the weights in fixed point. */
        int[] fixedPoint() {
            int[] fixed = new int[weights.length];
            for (int i = 0; i < weights.length; i++) {
                fixed[i] = weights[i] < 0
                        ? (int) (-0.5 + weights[i] * (1 << PRECISION_BITS))
                        : (int) (0.5 + weights[i] * (1 << PRECISION_BITS));
            }
            return fixed;
        }
    }

    private PillowResampler() {
    }

    private static double bicubicFilter(double x) {
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

    /**
     * Bicubic resize of 8-bit pixel-interleaved samples ({@code bands} per pixel) to outWidth x outHeight, returning
     * only {@code window} (pixel-interleaved, window.width * window.height * bands), the source read as {@code read}
     * says.
     *
     * <p>Source rows go through the horizontal pass a block at a time into a ring of intermediate rows, and every
     * output row whose rows have all arrived is computed at once: the intermediate stays a few blocks long, in cache,
     * whatever the image's height.
     */
    static byte[] bicubic8(byte[] src, int width, int height, int bands, Read read, int outWidth, int outHeight,
            Window window) {
        boolean vertical = outHeight != height;
        Coefficients cy = vertical ? Coefficients.bicubic(height, outHeight, window.y, window.height) : null;
        Coefficients cx = outWidth != width ? Coefficients.bicubic(width, outWidth, window.x, window.width) : null;
        int firstRow = vertical ? cy.min(window.y) : window.y;
        int tempRows = sourceRowsEnd(cy, window) - firstRow;
        int rowStride = window.width * bands;
        Scratch scratch = SCRATCH.get();
        // Rows still needed by a pending output row span under ksize before the block being added: a power of two
        // (so that a row's slot is its index masked) of at least a block plus a filter.
        int ringRows = vertical ? ceilPowerOfTwo(BLOCK_ROWS + cy.ksize) : BLOCK_ROWS;
        int mask = ringRows - 1;
        int[][] ring = scratch.rows(ringRows, rowStride);
        Rows source = new Rows(src, width, bands, read);
        int[] kx = cx == null ? null : cx.fixedPoint();
        int[] ky = vertical ? cy.fixedPoint() : null;
        byte[] out = new byte[window.height * rowStride];
        int next = 0;
        for (int r0 = 0; r0 < tempRows; r0 += BLOCK_ROWS) {
            int rows = Math.min(BLOCK_ROWS, tempRows - r0);
            int slot = r0 & mask;
            if (cx != null) {
                horizontalPass(source, firstRow + r0, rows, cx, kx, window, ring, slot, scratch);
            } else {
                source.widened(firstRow + r0, rows, window.x * bands, rowStride, ring, slot);
            }
            if (!vertical) {
                for (int r = 0; r < rows; r++) {
                    narrow(ring[slot + r], out, (r0 + r) * rowStride, rowStride);
                }
                continue;
            }
            int available = r0 + rows;
            for (; next < window.height; next++) {
                int yy = window.y + next;
                int ymin = cy.min(yy) - firstRow;
                if (ymin + cy.count(yy) > available) {
                    break;
                }
                int[] acc = scratch.acc(rowStride);
                Arrays.fill(acc, 0, rowStride, HALF);
                multiplyAdd(acc, rowStride, ring, ymin, 1, mask, ky, cy.base(yy), cy.count(yy));
                clip8(acc, rowStride);
                narrow(acc, out, next * rowStride, rowStride);
            }
        }
        return out;
    }

    /**
     * The horizontal pass of source rows [y, y + rows) into ring rows [slot, slot + rows). Samples are treated as
     * columns of their own (sample b of pixel x is column x * bands + b), transposed into int arrays as the outputs
     * come to need them, into a ring of columns as wide as a filter: a filter tap is then one multiply-add over a
     * whole array, and the columns stay in cache. Outputs are written back {@link #TILE} samples at a time, a cache
     * line of each row.
     */
    private static void horizontalPass(Rows source, int y, int rows, Coefficients cx, int[] kx, Window window,
            int[][] ring, int slot, Scratch scratch) {
        int bands = source.bands;
        int fromPixel = cx.min(window.x);
        int columnCount = ceilPowerOfTwo(cx.ksize * bands);
        int[][] columns = scratch.columns(columnCount);
        int mask = columnCount - 1;
        int[][] tile = scratch.tile;
        int rowStride = window.width * bands;
        int transposed = fromPixel;
        for (int o0 = 0; o0 < rowStride; o0 += TILE) {
            int n = Math.min(TILE, rowStride - o0);
            for (int t = 0; t < n; t++) {
                int o = o0 + t;
                int xx = window.x + o / bands;
                int end = cx.min(xx) + cx.count(xx);
                if (end > transposed) {
                    source.transpose(y, rows, transposed, end, fromPixel, columns, mask);
                    transposed = end;
                }
                int[] acc = tile[t];
                Arrays.fill(acc, HALF);
                multiplyAdd(acc, BLOCK_ROWS, columns, (cx.min(xx) - fromPixel) * bands + o % bands, bands, mask, kx,
                        cx.base(xx), cx.count(xx));
                clip8(acc, BLOCK_ROWS);
            }
            for (int r = 0; r < rows; r++) {
                int[] row = ring[slot + r];
                for (int t = 0; t < n; t++) {
                    row[o0 + t] = tile[t][r];
                }
            }
        }
    }

    /**
     * acc[i] += sources[(first + j * step) & mask][i] * weights[k + j] for every tap j below count and i below length:
     * four taps a loop (missing ones weighted 0), so that the accumulators are read and written a quarter as often.
     */
    private static void multiplyAdd(int[] acc, int length, int[][] sources, int first, int step, int mask,
            int[] weights, int k, int count) {
        for (int j = 0; j < count; j += 4) {
            int[] s0 = sources[(first + j * step) & mask];
            int[] s1 = j + 1 < count ? sources[(first + (j + 1) * step) & mask] : s0;
            int[] s2 = j + 2 < count ? sources[(first + (j + 2) * step) & mask] : s0;
            int[] s3 = j + 3 < count ? sources[(first + (j + 3) * step) & mask] : s0;
            int w0 = weights[k + j];
            int w1 = j + 1 < count ? weights[k + j + 1] : 0;
            int w2 = j + 2 < count ? weights[k + j + 2] : 0;
            int w3 = j + 3 < count ? weights[k + j + 3] : 0;
            for (int i = 0; i < length; i++) {
                acc[i] += s0[i] * w0 + s1[i] * w1 + s2[i] * w2 + s3[i] * w3;
            }
        }
    }

    /**
     * Accumulators [0, length) to 8-bit values in place, clipped with shifts and masks: written with Math.min and
     * Math.max this loop took more of a JFR profile than the multiply-adds (Java 17's C2 did not vectorise it), and
     * this way it costs 7% less time per clip-art image.
     */
    private static void clip8(int[] acc, int length) {
        for (int i = 0; i < length; i++) {
            int v = acc[i] >> PRECISION_BITS;
            v &= ~(v >> 31);
            acc[i] = (v | ((255 - v) >> 31)) & 0xFF;
        }
    }

    private static void narrow(int[] values, byte[] out, int offset, int length) {
        for (int i = 0; i < length; i++) {
            out[offset + i] = (byte) values[i];
        }
    }

    private static int ceilPowerOfTwo(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** The 8-bit source rows as the resize reads them: premultiplied or converted from YCbCr if asked. */
    private static final class Rows {

        private final byte[] samples;
        private final int rowLength;
        private final int bands;
        private final Read read;
        private byte[] rgb;

        Rows(byte[] samples, int width, int bands, Read read) {
            this.samples = samples;
            this.rowLength = width * bands;
            this.bands = bands;
            this.read = read;
        }

        /**
         * Pixels [from, to) of rows [y, y + rows) transposed: sample b of pixel p goes to
         * columns[((p - base) * bands + b) & mask][0, rows). Columns outer and rows inner, so that the few cache lines
         * of each row being read stay in L1. Premultiplication and YCbCr conversion happen here, over whole columns
         * of a pixel's bands, so only for the pixels the resize reads and in loops the JIT vectorises.
         */
        void transpose(int y, int rows, int from, int to, int base, int[][] columns, int mask) {
            for (int p = from; p < to; p++) {
                int q = (p - base) * bands;
                for (int b = 0; b < bands; b++) {
                    int[] column = columns[(q + b) & mask];
                    int s = y * rowLength + p * bands + b;
                    for (int r = 0; r < rows; r++, s += rowLength) {
                        column[r] = samples[s] & 0xFF;
                    }
                }
                if (read == Read.PREMULTIPLY) {
                    int[] alpha = columns[(q + bands - 1) & mask];
                    for (int b = 0; b < bands - 1; b++) {
                        PillowConvert.premultiply(columns[(q + b) & mask], alpha, rows);
                    }
                } else if (read == Read.JPEG_YCC) {
                    JpegColor.toRgb(columns[q & mask], columns[(q + 1) & mask], columns[(q + 2) & mask], rows);
                }
            }
        }

        /**
         * Sample columns [from, from + length) of rows [y, y + rows), widened into rows[slot, slot + rows), when no
         * horizontal pass is needed; from is a pixel's first band.
         */
        void widened(int y, int rows, int from, int length, int[][] out, int slot) {
            if (read == Read.JPEG_YCC && rgb == null) {
                rgb = JpegColor.toRgb(samples);
            }
            byte[] in = read == Read.JPEG_YCC ? rgb : samples;
            for (int r = 0; r < rows; r++) {
                int p = (y + r) * rowLength + from;
                int[] row = out[slot + r];
                for (int i = 0; i < length; i++) {
                    row[i] = in[p + i] & 0xFF;
                }
                if (read == Read.PREMULTIPLY) {
                    PillowConvert.premultiply(row, length, bands);
                }
            }
        }
    }

    /**
     * One thread's working arrays, grown as needed and kept for its next image: every image would otherwise allocate
     * (and zero) them afresh. Their sizes depend on the filter widths and the window, not on the source's size.
     */
    private static final class Scratch {

        final int[][] tile = new int[TILE][BLOCK_ROWS];
        private int[][] columns = new int[0][];
        private int[][] rows = new int[0][0];
        private int rowLength;
        private int[] acc = new int[0];

        /** At least n columns of BLOCK_ROWS values. */
        int[][] columns(int n) {
            if (columns.length < n) {
                columns = new int[n][BLOCK_ROWS];
            }
            return columns;
        }

        /** At least n rows of at least length values. */
        int[][] rows(int n, int length) {
            if (rows.length < n || rowLength < length) {
                rowLength = Math.max(rowLength, length);
                rows = new int[Math.max(rows.length, n)][rowLength];
            }
            return rows;
        }

        int[] acc(int length) {
            if (acc.length < length) {
                acc = new int[length];
            }
            return acc;
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
        Coefficients cy = vertical ? Coefficients.bicubic(height, outHeight, window.y, window.height) : null;
        int firstRow = vertical ? cy.min(window.y) : window.y;
        int tempRows = sourceRowsEnd(cy, window) - firstRow;
        int tw = window.width;

        int[] temp = new int[tempRows * tw];
        if (horizontal) {
            Coefficients cx = Coefficients.bicubic(width, outWidth, window.x, window.width);
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

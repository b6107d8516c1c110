package dev.imgsearch.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JpegColorTest {

    @Test
    void theVectorisedArithmeticGivesLibjpegsTablesForEveryInput() {
        int n = 256 * 256;
        byte[] ycc = new byte[3 * n];
        int[] y = new int[n];
        int[] cb = new int[n];
        int[] cr = new int[n];
        for (int luma = 0; luma < 256; luma++) {
            for (int i = 0; i < n; i++) {
                ycc[3 * i] = (byte) luma;
                ycc[3 * i + 1] = (byte) (i >> 8);
                ycc[3 * i + 2] = (byte) i;
                y[i] = luma;
                cb[i] = i >> 8;
                cr[i] = i & 0xFF;
            }
            byte[] tables = JpegColor.toRgb(ycc);
            JpegColor.toRgb(y, cb, cr, n);
            byte[] arithmetic = new byte[3 * n];
            for (int i = 0; i < n; i++) {
                arithmetic[3 * i] = (byte) y[i];
                arithmetic[3 * i + 1] = (byte) cb[i];
                arithmetic[3 * i + 2] = (byte) cr[i];
            }
            assertArrayEquals(tables, arithmetic, "Y = " + luma);
        }
    }

    @Test
    void convertsAsLibjpegDoes() {
        // Neutral chroma keeps the grey; pure red (JFIF Y 76, Cb 85, Cr 255) gives 254, 0, 0 by jdcolor.c worked by hand.
        assertArrayEquals(new byte[] {(byte) 128, (byte) 128, (byte) 128},
                JpegColor.toRgb(new byte[] {(byte) 128, (byte) 128, (byte) 128}));
        byte[] red = JpegColor.toRgb(new byte[] {76, 85, (byte) 255});
        assertEquals(254, red[0] & 0xFF);
        assertEquals(0, red[1] & 0xFF);
        assertEquals(0, red[2] & 0xFF);
    }
}

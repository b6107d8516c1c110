package dev.imgsearch.decode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The walk over a PNG's chunks that both PNG backends start with, to read a file as Pillow 9.4 does: every chunk before
 * the image data must carry its checksum (PngStream.crc refuses it otherwise), the image data's and later chunks' are
 * never checked, and a damaged or missing tail after the last IDAT is tolerated because Pillow stops reading there.
 *
 * <p>It also counts the PLTE entries: Pillow maps indices past them to its grey ramp, and the JDK reader pads a short
 * palette with black, so the ImageIO path needs the count from the file.
 *
 * @param imageDataEnd the offset just past the last whole IDAT chunk, or -1 when none was found
 * @param tailIntact whether the chunks after it walk cleanly to IEND
 * @param paletteEntries the entries of the PLTE chunk before the image data (at most 256), 0 when there is none
 * @param sampleChunks the offset and whole length (header and checksum included) of each IHDR, PLTE and IDAT chunk
 *     before {@code imageDataEnd}, in pairs: all that makes the samples
 */
record PngChunks(int imageDataEnd, boolean tailIntact, int paletteEntries, int[] sampleChunks) {

    /** A bare IEND chunk, to end a file after its image data. */
    static final byte[] IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    private static final int SIGNATURE_BYTES = 8;

    /** Walks the chunks of {@code data}; refuses a chunk before the image data whose checksum does not match. */
    static PngChunks scan(byte[] data) throws ImageDecodeException {
        int pos = SIGNATURE_BYTES;
        int afterImageData = -1;
        int paletteEntries = 0;
        int[] spans = new int[16];
        int spanCount = 0;
        while (pos + 8 <= data.length) {
            long length = ((data[pos] & 0xFFL) << 24) | ((data[pos + 1] & 0xFF) << 16) | ((data[pos + 2] & 0xFF) << 8)
                    | (data[pos + 3] & 0xFF);
            boolean idat = isType(data, pos, 'I', 'D', 'A', 'T');
            boolean iend = isType(data, pos, 'I', 'E', 'N', 'D');
            long next = pos + 12 + length;
            if (iend || next > data.length) {
                return of(afterImageData, iend || afterImageData < 0, paletteEntries, spans, spanCount);
            }
            if (!idat && afterImageData < 0) {
                requireChecksum(data, pos, (int) length);
                if (isType(data, pos, 'P', 'L', 'T', 'E')) {
                    paletteEntries = (int) Math.min(length / 3, 256);
                }
            }
            if (idat || isType(data, pos, 'I', 'H', 'D', 'R') || isType(data, pos, 'P', 'L', 'T', 'E')) {
                if (spanCount == spans.length) {
                    spans = Arrays.copyOf(spans, 2 * spans.length);
                }
                spans[spanCount++] = pos;
                spans[spanCount++] = (int) (next - pos);
            }
            pos = (int) next;
            if (idat) {
                afterImageData = pos;
            }
        }
        return of(afterImageData, afterImageData < 0, paletteEntries, spans, spanCount);
    }

    /** The walk's result, keeping only the sample chunks that end by the image data's end. */
    private static PngChunks of(int imageDataEnd, boolean tailIntact, int paletteEntries, int[] spans, int spanCount) {
        int kept = 0;
        while (kept < spanCount && spans[kept] + spans[kept + 1] <= imageDataEnd) {
            kept += 2;
        }
        return new PngChunks(imageDataEnd, tailIntact, paletteEntries, Arrays.copyOf(spans, kept));
    }

    /** {@code data} when its tail is intact, else its chunks up to the image data's end and a bare IEND. */
    byte[] withIntactTail(byte[] data) {
        if (tailIntact) {
            return data;
        }
        byte[] repaired = Arrays.copyOf(data, imageDataEnd + IEND.length);
        System.arraycopy(IEND, 0, repaired, imageDataEnd, IEND.length);
        return repaired;
    }

    private static boolean isType(byte[] data, int pos, char a, char b, char c, char d) {
        return data[pos + 4] == a && data[pos + 5] == b && data[pos + 6] == c && data[pos + 7] == d;
    }

    private static void requireChecksum(byte[] data, int pos, int length) throws ImageDecodeException {
        CRC32 crc = new CRC32();
        crc.update(data, pos + 4, 4 + length);
        int at = pos + 8 + length;
        int stored = ((data[at] & 0xFF) << 24) | ((data[at + 1] & 0xFF) << 16) | ((data[at + 2] & 0xFF) << 8)
                | (data[at + 3] & 0xFF);
        if ((int) crc.getValue() != stored) {
            String type = new String(data, pos + 4, 4, StandardCharsets.ISO_8859_1);
            throw new ImageDecodeException("truncated or corrupt PNG: bad checksum in the " + type
                    + " chunk before the image data (Pillow refuses it too)");
        }
    }
}

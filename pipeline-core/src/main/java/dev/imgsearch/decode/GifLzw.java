package dev.imgsearch.decode;

import javax.imageio.IIOException;

/**
 * The first frame's pixel indices decoded as Pillow 9.4's GifDecode.c decodes them, for the files the JDK's reader
 * refuses: an LZW minimum code size of 9 to 12, past the GIF specification's 8, which Pillow accepts (some encoders
 * write the code size of their own wider table). The same arithmetic as GifDecode.c: codes grow to 12 bits, the table
 * stops growing when full until the next clear code, and data bytes are 8 bits, so a literal above 255 keeps its low
 * byte, as GifDecode.c's UINT8 table does.
 */
final class GifLzw {

    /** Beyond this the JDK refuses the file; Pillow decodes up to {@link #MAX_BITS}. */
    static final int JDK_MAX_CODE_SIZE = 8;
    private static final int MAX_BITS = 12;
    private static final int TABLE = 1 << MAX_BITS;

    /** Where the first frame's image data starts, and the frame's layout. */
    record Frame(int width, int height, boolean interlaced, int codeSize, int dataOffset) {
    }

    private GifLzw() {
    }

    /** The first image descriptor of a GIF stream and its LZW minimum code size. */
    static Frame firstFrame(byte[] gif) throws IIOException {
        Cursor in = new Cursor(gif);
        in.skip(10);
        int screenFlags = in.next();
        in.skip(2);
        if ((screenFlags & 0x80) != 0) {
            in.skip(3 << ((screenFlags & 7) + 1));
        }
        while (true) {
            int block = in.next();
            if (block == 0x21) {
                in.next();
                in.skipSubBlocks();
            } else if (block == 0x2C) {
                in.skip(4);
                int width = in.next() | in.next() << 8;
                int height = in.next() | in.next() << 8;
                int flags = in.next();
                if ((flags & 0x80) != 0) {
                    in.skip(3 << ((flags & 7) + 1));
                }
                int codeSize = in.next();
                return new Frame(width, height, (flags & 0x40) != 0, codeSize, in.position);
            } else {
                throw new IIOException("no image in the GIF stream (block 0x" + Integer.toHexString(block) + ")");
            }
        }
    }

    /** The frame's indices, width * height, rows top to bottom; a stream that ends early is truncated. */
    static byte[] decode(byte[] gif, Frame frame) throws IIOException {
        if (frame.codeSize() < 0 || frame.codeSize() > MAX_BITS) {
            throw new IIOException("bad LZW code size " + frame.codeSize());
        }
        byte[] out = new byte[Math.multiplyExact(frame.width(), frame.height())];
        if (out.length == 0) {
            return out;
        }
        Rows rows = new Rows(out, frame.width(), frame.height(), frame.interlaced());
        Cursor in = new Cursor(gif);
        in.position = frame.dataOffset();
        int clear = 1 << frame.codeSize();
        int end = clear + 1;
        byte[] data = new byte[TABLE];
        int[] link = new int[TABLE];
        byte[] stack = new byte[TABLE];
        int blockLeft = 0;
        int bitBuffer = 0;
        int bitCount = 0;
        int next = clear + 2;
        int codeSize = frame.codeSize() + 1;
        boolean fresh = true;
        int lastCode = 0;
        byte lastData = 0;
        while (!rows.full()) {
            while (bitCount < codeSize) {
                if (blockLeft == 0) {
                    blockLeft = in.next();
                    if (blockLeft == 0) {
                        throw new IIOException("truncated GIF image data");
                    }
                }
                bitBuffer |= in.next() << bitCount;
                bitCount += 8;
                blockLeft--;
            }
            int c = bitBuffer & ((1 << codeSize) - 1);
            bitBuffer >>>= codeSize;
            bitCount -= codeSize;
            if (c == clear) {
                next = clear + 2;
                codeSize = frame.codeSize() + 1;
                fresh = true;
                continue;
            }
            if (c == end) {
                throw new IIOException("truncated GIF image data: end code before the last pixel");
            }
            if (fresh) {
                if (c > clear) {
                    throw new IIOException("broken GIF image data: code " + c + " right after a clear code");
                }
                lastCode = c;
                lastData = (byte) c;
                rows.put(lastData);
                fresh = false;
                continue;
            }
            int thisCode = c;
            if (c > next) {
                throw new IIOException("broken GIF image data: code " + c + " past the table's " + next);
            }
            int depth = 0;
            if (c == next) {
                stack[depth++] = lastData;
                c = lastCode;
            }
            while (c >= clear) {
                if (depth == TABLE || c >= TABLE) {
                    throw new IIOException("broken GIF image data: a code longer than the table");
                }
                stack[depth++] = data[c];
                c = link[c];
            }
            lastData = (byte) c;
            stack[depth++] = lastData;
            if (next < TABLE) {
                data[next] = lastData;
                link[next] = lastCode;
                if (next == (1 << codeSize) - 1 && codeSize < MAX_BITS) {
                    codeSize++;
                }
                next++;
            }
            lastCode = thisCode;
            while (depth > 0 && !rows.full()) {
                rows.put(stack[--depth]);
            }
        }
        return out;
    }

    /** The output rows in the order the stream fills them: top to bottom, or GIF's four interlace passes. */
    private static final class Rows {

        private static final int[] START = {0, 4, 2, 1};
        private static final int[] STEP = {8, 8, 4, 2};

        private final byte[] out;
        private final int width;
        private final int height;
        private final boolean interlaced;
        private int pass;
        private int y;
        private int x;
        private long left;

        Rows(byte[] out, int width, int height, boolean interlaced) {
            this.out = out;
            this.width = width;
            this.height = height;
            this.interlaced = interlaced;
            this.left = (long) width * height;
        }

        boolean full() {
            return left == 0;
        }

        void put(byte index) {
            out[y * width + x] = index;
            left--;
            if (++x < width) {
                return;
            }
            x = 0;
            if (!interlaced) {
                y++;
                return;
            }
            y += STEP[pass];
            while (y >= height && pass < 3) {
                pass++;
                y = START[pass];
            }
        }
    }

    /** Bytes of the stream, failing as a truncated file past the end. */
    private static final class Cursor {

        private final byte[] bytes;
        private int position;

        Cursor(byte[] bytes) {
            this.bytes = bytes;
        }

        int next() throws IIOException {
            if (position >= bytes.length) {
                throw new IIOException("truncated GIF stream");
            }
            return bytes[position++] & 0xFF;
        }

        void skip(int n) throws IIOException {
            if (n > bytes.length - position) {
                throw new IIOException("truncated GIF stream");
            }
            position += n;
        }

        void skipSubBlocks() throws IIOException {
            for (int size = next(); size != 0; size = next()) {
                skip(size);
            }
        }
    }
}

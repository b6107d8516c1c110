package dev.imgsearch.source.hub;

import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;

/**
 * A remote Parquet file read with HTTP range requests, so a reader fetches the footer and the column chunks it
 * needs, never the whole file. Small reads fetch a window of {@link #WINDOW} bytes, shifted back at the end of the
 * file so that the footer length, magic and (usually) the footer itself arrive in one request.
 */
final class HttpRangeInputFile implements InputFile {

    static final int WINDOW = 64 * 1024;

    private final HubClient client;
    private final URI url;
    private final long length;

    HttpRangeInputFile(HubClient client, URI url, long length) {
        this.client = client;
        this.url = url;
        this.length = length;
    }

    @Override
    public long getLength() {
        return length;
    }

    @Override
    public SeekableInputStream newStream() {
        return new RangeStream();
    }

    private final class RangeStream extends SeekableInputStream {
        private long pos;
        private byte[] window = new byte[0];
        private long windowStart;

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public void seek(long newPos) throws IOException {
            if (newPos < 0 || newPos > length) {
                throw new EOFException("seek to " + newPos + " outside " + url.getPath() + " of " + length + " bytes");
            }
            pos = newPos;
        }

        @Override
        public int read() throws IOException {
            if (pos >= length) {
                return -1;
            }
            byte[] one = new byte[1];
            fill(one, 0, 1);
            return one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - pos);
            fill(bytes, off, n);
            return n;
        }

        @Override
        public void readFully(byte[] bytes) throws IOException {
            readFully(bytes, 0, bytes.length);
        }

        @Override
        public void readFully(byte[] bytes, int off, int len) throws IOException {
            if (pos + len > length) {
                throw new EOFException("read of " + len + " bytes at " + pos + " past the end of " + url.getPath());
            }
            fill(bytes, off, len);
        }

        @Override
        public int read(ByteBuffer buf) throws IOException {
            if (!buf.hasRemaining()) {
                return 0;
            }
            if (pos >= length) {
                return -1;
            }
            int n = (int) Math.min(buf.remaining(), length - pos);
            put(buf, n);
            return n;
        }

        @Override
        public void readFully(ByteBuffer buf) throws IOException {
            if (pos + buf.remaining() > length) {
                throw new EOFException("read of " + buf.remaining() + " bytes at " + pos + " past the end of " + url.getPath());
            }
            put(buf, buf.remaining());
        }

        private void put(ByteBuffer buf, int n) throws IOException {
            if (buf.hasArray()) {
                fill(buf.array(), buf.arrayOffset() + buf.position(), n);
                buf.position(buf.position() + n);
            } else {
                byte[] tmp = new byte[n];
                fill(tmp, 0, n);
                buf.put(tmp);
            }
        }

        private void fill(byte[] dst, int off, int len) throws IOException {
            while (len > 0) {
                long windowEnd = windowStart + window.length;
                if (pos >= windowStart && pos < windowEnd) {
                    int n = (int) Math.min(len, windowEnd - pos);
                    System.arraycopy(window, (int) (pos - windowStart), dst, off, n);
                    pos += n;
                    off += n;
                    len -= n;
                } else if (len >= WINDOW) {
                    byte[] direct = client.getRange(url, pos, len);
                    System.arraycopy(direct, 0, dst, off, len);
                    pos += len;
                    return;
                } else {
                    long end = Math.min(length, pos + WINDOW);
                    long start = Math.max(0, end - WINDOW);
                    window = client.getRange(url, start, (int) (end - start));
                    windowStart = start;
                }
            }
        }
    }
}

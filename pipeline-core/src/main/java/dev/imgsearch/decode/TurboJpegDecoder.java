package dev.imgsearch.decode;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.lang.ref.Cleaner;

/**
 * JPEG through libjpeg-turbo's TurboJPEG API with the flags that keep libjpeg's defaults (accurate integer IDCT,
 * fancy upsampling, block smoothing), which is how Pillow's JpegDecode.c runs the same library: so the samples are
 * Pillow's, colour conversion (YCbCr, YCCK) included, in libjpeg-turbo's SIMD code. Grey comes out as L, three
 * components as RGB, four as CMYK inverted, because Pillow reads 4-component JPEGs as Adobe-style "CMYK;I".
 *
 * <p>Each thread keeps its own decompressor and {@link NativeBuffers}, so a steady stream of photos allocates nothing
 * native.
 */
final class TurboJpegDecoder {

    private static final Cleaner CLEANER = Cleaner.create();
    private static final ThreadLocal<Session> SESSIONS = ThreadLocal.withInitial(Session::new);

    private TurboJpegDecoder() {
    }

    /**
     * The decoded image, or null when libjpeg-turbo only warned (corrupt or truncated data it decoded anyway): whether
     * Pillow accepts such a file depends on which warnings it raised, which TurboJPEG does not list, so the caller
     * decodes it again through the path that sees them all.
     */
    static DecodedImage decode(byte[] data, PixelLimit limit) throws ImageDecodeException {
        JpegHeader header = JpegHeader.parseDecodable(data);
        limit.check(header.width(), header.height());
        int w = header.width();
        int h = header.height();
        JpegHeader.ColorSpace colorSpace = header.colorSpace();
        int bands = switch (colorSpace) {
            case GRAYSCALE -> 1;
            case RGB, YCBCR -> 3;
            case CMYK, YCCK -> 4;
        };
        long length = (long) w * h * bands;
        if (length > Integer.MAX_VALUE - 8) {
            throw new ImageDecodeException("image is " + w + "x" + h + " pixels, too large for one sample array");
        }
        int pixelFormat = bands == 1 ? TurboJpeg.PF_GRAY : bands == 3 ? TurboJpeg.PF_RGB : TurboJpeg.PF_CMYK;
        Session session = SESSIONS.get();
        byte[] samples = session.decompress(data, w, h, bands, pixelFormat, (int) length);
        if (samples == null) {
            return null;
        }
        return switch (colorSpace) {
            case GRAYSCALE -> DecodedImage.of("L", w, h, samples);
            case RGB, YCBCR -> DecodedImage.of("RGB", w, h, samples);
            case CMYK, YCCK -> DecodedImage.of("CMYK", w, h, invert(samples));
        };
    }

    private static byte[] invert(byte[] samples) {
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (byte) ~samples[i];
        }
        return samples;
    }

    /** One thread's decompressor; destroyed once the thread's session is collected. */
    private static final class Session {

        private final Pointer handle;

        Session() {
            Pointer created = TurboJpeg.tjInitDecompress();
            if (created == null) {
                throw new IllegalStateException("libturbojpeg could not create a decompressor");
            }
            handle = created;
            CLEANER.register(this, () -> TurboJpeg.tjDestroy(created));
        }

        byte[] decompress(byte[] data, int width, int height, int bands, int pixelFormat, int length)
                throws ImageDecodeException {
            NativeBuffers buffers = NativeBuffers.ofThisThread();
            try {
                Memory in = buffers.input(data.length);
                Memory out = buffers.output(length);
                in.write(0, data, 0, data.length);
                int rc = TurboJpeg.tjDecompress2(handle, in, new NativeLong(data.length), out, width, width * bands,
                        height, pixelFormat, 0);
                if (rc != 0) {
                    if (TurboJpeg.tjGetErrorCode(handle) == TurboJpeg.ERR_WARNING) {
                        return null;
                    }
                    throw new ImageDecodeException("truncated or corrupt JPEG: " + TurboJpeg.tjGetErrorStr2(handle));
                }
                byte[] samples = new byte[length];
                out.read(0, samples, 0, length);
                return samples;
            } finally {
                buffers.release();
            }
        }
    }
}

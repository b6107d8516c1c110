package dev.imgsearch.decode;

import com.sun.jna.Pointer;

/**
 * The few functions of libspng (0.7, spng.h) that decoding needs, bound by JNA's direct mapping. Loaded once;
 * {@link #unavailable()} says why it could not be, for the one log line and error that follow. {@code size_t} is bound
 * as {@code long}: the 64-bit platforms this runs on.
 */
final class Spng {

    /** enum spng_crc_action: ignore the checksum and use the chunk. */
    static final int CRC_USE = 2;
    /** enum spng_format: the file's own samples, 16-bit ones big-endian, sub-byte ones packed, deinterlaced. */
    static final int FMT_RAW = 512;

    /*
     * struct spng_ihdr is uint32 width, height, then uint8 bit depth, colour type, compression, filter and interlace
     * methods: 13 bytes, read at offsets 0, 4, 8 and 9.
     */

    /** sizeof(struct spng_plte): uint32 n_entries, then 256 entries of red, green, blue and a reserved byte. */
    static final int PLTE_BYTES = 4 + 256 * 4;

    // The unversioned name needs the -dev package (or Homebrew's link); Debian's runtime package ships only .so.0.
    private static final String[] NAMES = {"spng", "libspng.so.0"};
    private static final String UNAVAILABLE = NativeLibraries.register(Spng.class, NAMES);

    private Spng() {
    }

    /** Why libspng could not be loaded, or null when it was. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    static native Pointer spng_ctx_new(int flags);

    static native void spng_ctx_free(Pointer ctx);

    static native int spng_set_png_buffer(Pointer ctx, Pointer buf, long size);

    static native int spng_set_crc_action(Pointer ctx, int critical, int ancillary);

    static native int spng_get_ihdr(Pointer ctx, Pointer ihdr);

    static native int spng_get_plte(Pointer ctx, Pointer plte);

    static native int spng_decoded_image_size(Pointer ctx, int fmt, Pointer out);

    static native int spng_decode_image(Pointer ctx, Pointer out, long len, int fmt, int flags);

    static native String spng_strerror(int err);
}

package dev.imgsearch.decode;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * PNG through libspng: the file's raw samples, unfiltered and deinterlaced in C, then {@link PngSamples} for Pillow's
 * modes. Chunk checksums are checked as Pillow checks them ({@link PngChunks}: before the image data only), so libspng
 * is told to use every chunk as it is, and it is handed only the chunks that make the samples, up to the last IDAT,
 * and a bare IEND: Pillow reads nothing after the image data, so nothing there may refuse the file, and tRNS, gAMA
 * and the rest do not change the samples Pillow gives.
 *
 * <p>Each image gets its own libspng context (a context reads one buffer); the encoded and decoded bytes go through the
 * thread's {@link NativeBuffers}.
 */
final class SpngDecoder {

    // Where struct spng_plte goes in the small block after struct spng_ihdr: aligned for its uint32 and the size_t.
    private static final int PLTE_OFFSET = 24;
    private static final int SIZE_OFFSET = 16;
    private static final int SIGNATURE_BYTES = 8;

    private SpngDecoder() {
    }

    static DecodedImage decode(byte[] data, PixelLimit limit) throws ImageDecodeException {
        PngChunks chunks = PngChunks.scan(data);
        NativeBuffers buffers = NativeBuffers.ofThisThread();
        Pointer ctx = Spng.spng_ctx_new(0);
        if (ctx == null) {
            throw new IllegalStateException("libspng could not create a decoder context");
        }
        try (Memory header = new Memory(PLTE_OFFSET + Spng.PLTE_BYTES)) {
            Memory in = input(data, chunks, buffers);
            check(Spng.spng_set_crc_action(ctx, Spng.CRC_USE, Spng.CRC_USE));
            check(Spng.spng_set_png_buffer(ctx, in, in.size()));
            check(Spng.spng_get_ihdr(ctx, header));
            long width = header.getInt(0) & 0xFFFFFFFFL;
            long height = header.getInt(4) & 0xFFFFFFFFL;
            limit.check(width, height);
            int bitDepth = header.getByte(8);
            int colorType = header.getByte(9);
            Pointer size = header.share(SIZE_OFFSET);
            check(Spng.spng_decoded_image_size(ctx, Spng.FMT_RAW, size));
            long length = size.getLong(0);
            if (length > Integer.MAX_VALUE - 8) {
                throw new ImageDecodeException("image is " + width + "x" + height + " pixels, too large for one "
                        + "sample array");
            }
            Memory out = buffers.output(length);
            check(Spng.spng_decode_image(ctx, out, length, Spng.FMT_RAW, 0));
            byte[] raw = new byte[(int) length];
            out.read(0, raw, 0, raw.length);
            byte[] plte = colorType == PngSamples.PALETTE ? plte(ctx, header) : null;
            return PngSamples.toImage((int) width, (int) height, colorType, bitDepth, raw, plte);
        } finally {
            Spng.spng_ctx_free(ctx);
            buffers.release();
        }
    }

    /**
     * What libspng reads: the signature, the IHDR, PLTE and IDAT chunks up to the image data's end, and a bare IEND;
     * or all of the file when no whole IDAT was found, for libspng to say what is wrong. Pillow reads no other chunk's
     * content into the pixels and skips chunks it does not know, critical ones too, which libspng would refuse.
     */
    private static Memory input(byte[] data, PngChunks chunks, NativeBuffers buffers) {
        int end = chunks.imageDataEnd();
        if (end < 0) {
            Memory in = buffers.input(data.length);
            in.write(0, data, 0, data.length);
            return (Memory) in.share(0, data.length);
        }
        Memory in = buffers.input(end + PngChunks.IEND.length);
        in.write(0, data, 0, SIGNATURE_BYTES);
        long size = SIGNATURE_BYTES;
        int[] spans = chunks.sampleChunks();
        for (int i = 0; i < spans.length; i += 2) {
            in.write(size, data, spans[i], spans[i + 1]);
            size += spans[i + 1];
        }
        in.write(size, PngChunks.IEND, 0, PngChunks.IEND.length);
        return (Memory) in.share(0, size + PngChunks.IEND.length);
    }

    private static byte[] plte(Pointer ctx, Memory header) throws ImageDecodeException {
        Pointer plte = header.share(PLTE_OFFSET);
        check(Spng.spng_get_plte(ctx, plte));
        int entries = Math.min(plte.getInt(0), 256);
        byte[] rgb = new byte[3 * entries];
        for (int i = 0; i < entries; i++) {
            plte.read(4 + 4L * i, rgb, 3 * i, 3);
        }
        return rgb;
    }

    private static void check(int rc) throws ImageDecodeException {
        if (rc != 0) {
            throw new ImageDecodeException("truncated or corrupt PNG: " + Spng.spng_strerror(rc));
        }
    }
}

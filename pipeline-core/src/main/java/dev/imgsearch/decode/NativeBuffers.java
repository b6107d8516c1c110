package dev.imgsearch.decode;

import com.sun.jna.Memory;

/**
 * One thread's native input and output buffers for the JNA-bound decoders, grown to the largest image the thread has
 * decoded (up to {@link #MAX_REUSED_BYTES}), so that a steady stream of images allocates nothing native. JPEG and PNG
 * share them: a thread decodes one image at a time.
 */
final class NativeBuffers {

    // Buffers above this are allocated for one image and freed after it, so one huge image does not pin its memory.
    private static final long MAX_REUSED_BYTES = 64L << 20;
    private static final ThreadLocal<NativeBuffers> PER_THREAD = ThreadLocal.withInitial(NativeBuffers::new);

    private Memory input;
    private Memory output;

    private NativeBuffers() {
    }

    /** The calling thread's buffers; use them for one image and {@link #release} them before the next. */
    static NativeBuffers ofThisThread() {
        return PER_THREAD.get();
    }

    /** A buffer of at least {@code size} bytes for the encoded image. */
    Memory input(long size) {
        return input = reuse(input, size);
    }

    /** A buffer of at least {@code size} bytes for the decoded samples. */
    Memory output(long size) {
        return output = reuse(output, size);
    }

    /** Ends the image: frees what is too large to keep for the next one. */
    void release() {
        input = keep(input);
        output = keep(output);
    }

    private static Memory reuse(Memory buffer, long size) {
        long wanted = Math.max(size, 1);
        if (buffer != null && buffer.size() >= wanted) {
            return buffer;
        }
        if (buffer != null) {
            buffer.close();
        }
        return new Memory(wanted);
    }

    private static Memory keep(Memory buffer) {
        if (buffer == null || buffer.size() <= MAX_REUSED_BYTES) {
            return buffer;
        }
        buffer.close();
        return null;
    }
}

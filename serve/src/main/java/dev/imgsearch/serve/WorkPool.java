package dev.imgsearch.serve;

import dev.imgsearch.decode.ImageDecodeException;
import dev.imgsearch.decode.ImageDecoder;
import dev.imgsearch.decode.ImageSize;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The decode and embed work of every request, bounded: at most {@link WorkLimits#workers} run at once and at most
 * {@link WorkLimits#queue} more wait, each for a limited time; and an image is decoded only once the memory its
 * decoding takes, estimated from its header before any pixel is decoded, fits the {@link WorkLimits#memoryBytes}
 * budget. Over a limit a request gets a 503 with {@code Retry-After}: the request was fine, the server was full. The
 * same goes for running out of memory anyway, which is never the client's fault.
 *
 * <p>Text queries are split in two: the request waits in the queue ({@link #waiting}) while the text batcher's own
 * thread runs the pass that embeds it and many others on one worker ({@link #worker}). Holding a worker per request
 * would cap a batch at the number of workers.
 */
final class WorkPool {

    /**
     * The most decoding and preprocessing allocate per pixel of an image: measured over every format the decoder
     * reads (an RGBA TIFF, the worst, takes 12 bytes for decoding and 1 for preprocessing), rounded up.
     */
    static final long BYTES_PER_PIXEL = 16;
    static final long MIN_MEMORY_BYTES = 16L * 1024 * 1024;

    private static final long KIB = 1024;

    private final int workerCount;
    private final int capacity;
    private final long memoryBytes;
    private final int memoryKib;
    private final long maxPixels;
    private final Duration maxWait;
    private final ServerMetrics metrics;
    private final Semaphore workers;
    /** In KiB, so the budget of a large heap still fits an int. */
    private final Semaphore memory;
    private final AtomicInteger admitted = new AtomicInteger();

    /**
     * @param maxPixels the decoder's own limit: an image above it is left to the decoder to refuse, as the client's
     *                  error it is
     * @param maxWait   how long a request may wait for a worker and for memory before it gets its 503
     */
    WorkPool(WorkLimits limits, long maxPixels, Duration maxWait, ServerMetrics metrics) {
        this.workerCount = limits.workers();
        this.capacity = limits.workers() + limits.queue();
        this.memoryBytes = limits.memoryBytes();
        this.memoryKib = (int) Math.min(Integer.MAX_VALUE, limits.memoryBytes() / KIB);
        this.maxPixels = maxPixels;
        this.maxWait = maxWait;
        this.metrics = metrics;
        this.workers = new Semaphore(limits.workers(), true);
        this.memory = new Semaphore(memoryKib, true);
        metrics.work(admitted::get);
    }

    /** Whether an image at the pixel limit fits the memory budget at all; if not, such images always get a 503. */
    boolean fitsLargestImage() {
        return kib(maxPixels * BYTES_PER_PIXEL) <= memoryKib;
    }

    /** Work that decodes nothing (embedding a text). */
    <T> T run(Supplier<T> work) {
        return run(0, work);
    }

    /** Work that decodes {@code encoded}, admitted once the memory its decoding takes is free. */
    <T> T decoding(byte[] encoded, Supplier<T> work) {
        return run(decodeBytes(encoded), work);
    }

    /**
     * Work that waits on an executor of its own (a query in the text batcher): it counts against the queue, so a
     * flood of texts gets 503s, but holds no worker, which the pass running it takes.
     */
    <T> T waiting(Supplier<T> work) {
        admit();
        try {
            return work.get();
        } finally {
            admitted.decrementAndGet();
        }
    }

    /** Work that an executor of its own runs for requests already {@link #waiting} (a text pass): it holds a worker. */
    <T> T worker(Supplier<T> work) {
        try {
            return withWorker(System.nanoTime() + maxWait.toNanos(), work);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "the server is shutting down");
        }
    }

    /** A 503 for a decode or embed that ran out of memory. */
    static ApiException outOfMemory() {
        return ApiException.busy("the server ran out of memory for this image while busy with others; retry shortly");
    }

    private <T> T run(long bytes, Supplier<T> work) {
        admit();
        try {
            long deadline = System.nanoTime() + maxWait.toNanos();
            int kib = kib(bytes);
            if (kib > 0 && !memory.tryAcquire(kib, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw refused("decode_memory", "the server is busy decoding other images: not enough decode memory came"
                        + " free within " + maxWait.toSeconds() + " s; retry shortly");
            }
            try {
                return withWorker(deadline, work);
            } finally {
                memory.release(kib);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "the server is shutting down");
        } finally {
            admitted.decrementAndGet();
        }
    }

    private void admit() {
        if (admitted.incrementAndGet() > capacity) {
            admitted.decrementAndGet();
            throw refused("work_queue", "the server is busy: all " + workerCount + " decode and embed workers are in use"
                    + " and " + (capacity - workerCount) + " requests wait for them; retry shortly");
        }
    }

    private <T> T withWorker(long deadline, Supplier<T> work) throws InterruptedException {
        if (!workers.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            throw refused("work_queue", "the server is busy: no decode and embed worker came free within "
                    + maxWait.toSeconds() + " s; retry shortly");
        }
        try {
            return work.get();
        } catch (OutOfMemoryError e) {
            metrics.refused("out_of_memory");
            throw outOfMemory();
        } finally {
            workers.release();
        }
    }

    /**
     * What decoding {@code encoded} takes, from its header; 0 when the decoder will refuse it without allocating
     * (not an image, unreadable header, above the pixel limit), and a 503 when it can never fit the budget.
     */
    private long decodeBytes(byte[] encoded) {
        ImageSize size;
        try {
            size = ImageDecoder.size(encoded);
        } catch (ImageDecodeException e) {
            return 0;
        }
        if (size.pixels() > maxPixels) {
            return 0;
        }
        long bytes = size.pixels() * BYTES_PER_PIXEL;
        if (kib(bytes) > memoryKib) {
            metrics.refused("decode_memory");
            throw new ApiException(503, "the image is " + size.width() + "x" + size.height() + " pixels, which takes"
                    + " about " + bytes / (KIB * KIB) + " MiB to decode, more than this server's decode memory of "
                    + memoryBytes / (KIB * KIB) + " MiB");
        }
        return bytes;
    }

    private static int kib(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, (bytes + KIB - 1) / KIB);
    }

    private ApiException refused(String limit, String message) {
        metrics.refused(limit);
        return ApiException.busy(message);
    }
}

package dev.imgsearch.serve;

/**
 * Bounds on the decode and embed work of all requests together (see {@link WorkPool}).
 *
 * @param workers      how many run at once
 * @param queue        how many more may wait for a worker
 * @param memoryBytes  what the images being decoded at once may take, estimated from their headers
 */
public record WorkLimits(int workers, int queue, long memoryBytes) {

    /** Waiting requests per worker by default: enough to ride out a burst, few enough to answer 503 while it helps. */
    public static final int DEFAULT_QUEUE_PER_WORKER = 8;

    /** How long a request may wait for a worker, and for decode memory, before it gets its 503. */
    public static final int MAX_WAIT_SECONDS = 10;

    /** One worker per core, a queue of {@value #DEFAULT_QUEUE_PER_WORKER} per worker, and half the heap for decoding. */
    public static WorkLimits forThisMachine() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new WorkLimits(cores, DEFAULT_QUEUE_PER_WORKER * cores, Runtime.getRuntime().maxMemory() / 2);
    }

    public WorkLimits {
        if (workers < 1 || workers > 1024) {
            throw new IllegalArgumentException("workers must be between 1 and 1024, got " + workers);
        }
        if (queue < 0 || queue > 100_000) {
            throw new IllegalArgumentException("the work queue must be between 0 and 100000, got " + queue);
        }
        if (memoryBytes < WorkPool.MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException("decode memory must be at least " + WorkPool.MIN_MEMORY_BYTES
                    + " bytes, got " + memoryBytes);
        }
    }
}

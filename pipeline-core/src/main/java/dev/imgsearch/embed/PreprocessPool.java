package dev.imgsearch.embed;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that decode and preprocess one shard's images. One thread means none of its own: the work runs on the
 * caller's thread as it submits it. More threads are a pool of that size for the shard, gone when it is closed: sized
 * to the cores its task may use (Spark's {@code spark.task.cpus}), never shared with another task, so that one task
 * cannot starve another's model of images. Starting a few threads costs well under a millisecond; a shard takes
 * seconds.
 */
final class PreprocessPool implements AutoCloseable {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ExecutorService pool;

    private PreprocessPool(ExecutorService pool) {
        this.pool = pool;
    }

    static PreprocessPool of(int threads) {
        if (threads == 1) {
            return new PreprocessPool(null);
        }
        int id = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "preprocess-" + id + "-" + count.incrementAndGet());
            // Daemon: a task killed mid-shard must not keep its executor JVM alive.
            thread.setDaemon(true);
            return thread;
        };
        return new PreprocessPool(Executors.newFixedThreadPool(threads, factory));
    }

    /** True when the work runs on the submitting thread. */
    boolean inline() {
        return pool == null;
    }

    Executor executor() {
        return pool == null ? Runnable::run : pool;
    }

    /** Stops the threads; work still queued (a shard that failed) is dropped, work in progress is interrupted. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}

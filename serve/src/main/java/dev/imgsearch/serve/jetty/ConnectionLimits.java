package dev.imgsearch.serve.jetty;

import java.time.Duration;

/**
 * Limits on HTTP connections, so that slow or many clients cannot hold every thread.
 *
 * @param maxThreads    Jetty's request threads; half of them at most may be receiving a request body at once
 * @param idleTimeout   how long a connection, or a request waiting for more of its body, may stay silent
 * @param headerTimeout how long a request's headers may take to arrive once they have begun
 * @param minBodyRate   the slowest a request body may arrive, in bytes per second averaged since its first byte;
 *                      0 for no minimum
 */
public record ConnectionLimits(int maxThreads, Duration idleTimeout, Duration headerTimeout, long minBodyRate) {

    public static final int DEFAULT_MAX_THREADS = 200;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 30;
    public static final int DEFAULT_HEADER_TIMEOUT_SECONDS = 10;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS);
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(DEFAULT_HEADER_TIMEOUT_SECONDS);
    public static final long DEFAULT_MIN_BODY_RATE = 1024;

    /** Jetty's acceptor and selector threads come out of the pool too; fewer than this leaves none for requests. */
    private static final int MIN_THREADS = 8;

    public ConnectionLimits {
        if (maxThreads < MIN_THREADS || maxThreads > 10_000) {
            throw new IllegalArgumentException("max threads must be between " + MIN_THREADS + " and 10000, got "
                    + maxThreads);
        }
        requirePositive(idleTimeout, "idle timeout");
        requirePositive(headerTimeout, "header timeout");
        if (minBodyRate < 0) {
            throw new IllegalArgumentException("min body rate must be 0 (off) or a positive number of bytes per second, "
                    + "got " + minBodyRate);
        }
    }

    /** Requests that may be receiving a body at once; the other half of the threads stay free for bodiless ones. */
    public int maxBodyReaders() {
        return maxThreads / 2;
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero() || duration.toMillis() == 0) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, got " + duration);
        }
    }
}

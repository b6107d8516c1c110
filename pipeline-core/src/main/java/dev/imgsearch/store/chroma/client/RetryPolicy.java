package dev.imgsearch.store.chroma.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a request is retried after a connection error or a 5xx answer: attempt n waits
 * {@code initialBackoff * 2^(n-1)}, capped at {@code maxBackoff}, before attempt n + 1.
 *
 * @param maxAttempts    attempts in all, the first included
 * @param initialBackoff the wait after the first failure
 * @param maxBackoff     the longest single wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** About 16 s of waiting over 8 attempts: long enough for a server restart. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(5));

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must satisfy 0 <= initial <= max");
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based). */
    Duration backoffAfter(int attempt) {
        Duration wait = initialBackoff;
        for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}

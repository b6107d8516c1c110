package dev.imgsearch.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently an HTTP request is retried. A connection failure, 429 or 5xx answer is retried; any
 * other answer is final. Before attempt n + 1 the wait is {@code initialBackoff * 2^(n-1)} capped at {@code
 * maxBackoff}, jittered to between half and all of it so that many clients failing together do not retry together; a
 * {@code Retry-After} header replaces the wait, capped at {@code maxRetryAfter} so a server cannot park a job.
 *
 * @param maxAttempts    attempts in all, the first included
 * @param initialBackoff the wait after the first failure
 * @param maxBackoff     the longest computed wait
 * @param maxRetryAfter  the longest wait a server's {@code Retry-After} may ask for
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    /** About 16 s of waiting over 8 attempts: long enough for a server restart. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(5));

    /** A policy that honours {@code Retry-After} up to five minutes. */
    public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this(maxAttempts, initialBackoff, maxBackoff, Duration.ofMinutes(5));
    }

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("backoffs must satisfy 0 <= initial <= max, and Retry-After cap >= 0");
        }
    }

    /** One attempt of a request. */
    @FunctionalInterface
    public interface Attempt<T> {
        HttpResponse<T> send() throws IOException, InterruptedException;
    }

    /**
     * Sends until an answer is final or the attempts are spent.
     *
     * @return the final answer: a success, a non-retryable status, or the last retryable one when attempts ran out
     * @throws RetriesExhaustedException when the last attempt failed to connect
     */
    public <T> HttpResponse<T> send(Attempt<T> attempt) throws IOException, InterruptedException {
        IOException lastFailure = null;
        for (int n = 1; ; n++) {
            HttpResponse<T> response = null;
            try {
                response = attempt.send();
            } catch (IOException e) {
                lastFailure = e;
            }
            if (response != null && !isRetryable(response.statusCode())) {
                return response;
            }
            if (n == maxAttempts) {
                if (response != null) {
                    return response;
                }
                throw new RetriesExhaustedException(maxAttempts, lastFailure);
            }
            Thread.sleep(waitAfter(n, response == null ? Optional.empty() : retryAfter(response)).toMillis());
        }
    }

    /** 429 and 5xx: the server may answer otherwise later. */
    public static boolean isRetryable(int status) {
        return status == 429 || status >= 500;
    }

    /** The wait after failed attempt {@code attempt} (1-based), or the server's {@code Retry-After} within its cap. */
    Duration waitAfter(int attempt, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get();
            return asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked;
        }
        Duration cap = initialBackoff;
        for (int i = 1; i < attempt && cap.compareTo(maxBackoff) < 0; i++) {
            cap = cap.multipliedBy(2);
        }
        long capMillis = Math.min(cap.toMillis(), maxBackoff.toMillis());
        return Duration.ofMillis(capMillis / 2 + ThreadLocalRandom.current().nextLong(capMillis / 2 + 1));
    }

    /** A {@code Retry-After} header in seconds or as an HTTP date; a date in the past is no wait. */
    public static Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After").map(String::trim);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        Duration wait;
        if (header.get().matches("\\d{1,12}")) {
            wait = Duration.ofSeconds(Long.parseLong(header.get()));
        } else {
            try {
                wait = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(header.get(), DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    }

    /** Every attempt failed to get an answer at all. */
    public static final class RetriesExhaustedException extends IOException {
        private final int attempts;

        RetriesExhaustedException(int attempts, IOException last) {
            super("no answer after " + attempts + " attempts: " + (last == null ? "none" : describe(last)), last);
            this.attempts = attempts;
        }

        public int attempts() {
            return attempts;
        }

        private static String describe(IOException e) {
            String message = e.getMessage();
            return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
        }
    }
}

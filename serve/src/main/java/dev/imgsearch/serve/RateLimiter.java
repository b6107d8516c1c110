package dev.imgsearch.serve;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: each holds up to {@code burst} tokens, refilled at {@code perSecond}; a request takes one.
 * Idle clients' buckets are dropped once the map grows, so a scan of many addresses cannot exhaust memory.
 */
final class RateLimiter {

    private static final int PRUNE_ABOVE = 10_000;

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(double perSecond, LongSupplier nanoClock) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate limit must be a positive number of requests per second, got " + perSecond);
        }
        this.perNano = perSecond / TimeUnit.SECONDS.toNanos(1);
        this.burst = Math.max(1, Math.ceil(perSecond));
        this.nanoClock = nanoClock;
    }

    /** Zero if the client may go ahead (a token is taken), else the seconds until a token is free (at least 1). */
    long acquire(String client) {
        long now = nanoClock.getAsLong();
        if (buckets.size() > PRUNE_ABOVE) {
            buckets.values().removeIf(bucket -> bucket.fullAt(now));
        }
        return buckets.computeIfAbsent(client, c -> new Bucket(burst, now)).take(now);
    }

    private final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized long take(long now) {
            tokens = Math.min(burst, tokens + (now - updated) * perNano);
            updated = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double nanosToToken = (1 - tokens) / perNano;
            return Math.max(1, (long) Math.ceil(nanosToToken / TimeUnit.SECONDS.toNanos(1)));
        }

        synchronized boolean fullAt(long now) {
            return tokens + (now - updated) * perNano >= burst;
        }
    }
}

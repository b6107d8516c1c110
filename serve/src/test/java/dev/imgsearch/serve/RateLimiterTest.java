package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong();
    private final RateLimiter limiter = new RateLimiter(2, now::get);

    @Test
    void burstThenRefillAtTheRate() {
        assertEquals(0, limiter.acquire("a"));
        assertEquals(0, limiter.acquire("a"));
        assertEquals(1, limiter.acquire("a"), "the bucket of 2 is empty");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertEquals(0, limiter.acquire("a"), "half a second refills one token at 2/s");
        assertEquals(1, limiter.acquire("a"));
        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        assertEquals(0, limiter.acquire("a"));
        assertEquals(0, limiter.acquire("a"));
        assertEquals(1, limiter.acquire("a"), "idle time never stores more than the burst");
    }

    @Test
    void clientsHaveTheirOwnBuckets() {
        limiter.acquire("a");
        limiter.acquire("a");
        assertEquals(1, limiter.acquire("a"));
        assertEquals(0, limiter.acquire("b"));
    }

    @Test
    void slowRatesSayHowLongToWait() {
        RateLimiter slow = new RateLimiter(0.1, now::get);
        assertEquals(0, slow.acquire("a"));
        assertEquals(10, slow.acquire("a"));
    }

    @Test
    void nonsenseRatesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, now::get));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(Double.NaN, now::get));
    }
}

package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decode and embed pool's limits, each driven to its edge with latches: no timing involved. */
class WorkPoolTest {

    private static final long MIB = 1024 * 1024;
    /** Long enough never to run out while a test means to wait, short enough that a test meaning to time out does. */
    private static final Duration WAIT = Duration.ofMillis(300);

    private final ServerMetrics metrics = new ServerMetrics();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void beyondTheWorkersAndTheQueueARequestIsRefusedAtOnceWithRetryAfter() throws Exception {
        WorkPool pool = new WorkPool(new WorkLimits(1, 1, 64 * MIB), 100_000_000, Duration.ofMinutes(1), metrics);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> running = occupy(pool, release);
        Future<String> waiting = threads.submit(() -> pool.run(() -> "waited"));
        awaitInPool(2);

        ApiException refused = assertThrows(ApiException.class, () -> pool.run(() -> "never"));
        assertEquals(503, refused.status());
        assertEquals(1, refused.retryAfterSeconds());
        assertTrue(refused.getMessage().contains("all 1 decode and embed workers are in use and 1 requests wait"),
                refused.getMessage());
        assertTrue(scrape().contains("imgsearch_refused_total{limit=\"work_queue\"} 1"), scrape());

        release.countDown();
        running.get(10, TimeUnit.SECONDS);
        assertEquals("waited", waiting.get(10, TimeUnit.SECONDS), "the queued request ran once a worker came free");
        assertEquals("free again", pool.run(() -> "free again"));
    }

    @Test
    void aRequestOrATextPassWaitingLongerThanItsLimitForAWorkerGets503() throws Exception {
        WorkPool pool = new WorkPool(new WorkLimits(1, 5, 64 * MIB), 100_000_000, WAIT, metrics);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> running = occupy(pool, release);
        for (ApiException refused : List.of(assertThrows(ApiException.class, () -> pool.run(() -> "never")),
                assertThrows(ApiException.class, () -> pool.worker(() -> "never")))) {
            assertEquals(503, refused.status());
            assertTrue(refused.getMessage().contains("no decode and embed worker came free"), refused.getMessage());
        }
        release.countDown();
        running.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anImageWaitsForTheMemoryItsDecodingTakesAndTextNeverDoes() throws Exception {
        // 1000 x 1000 pixels take 16 MB to decode: two do not fit a 24 MiB budget at once.
        byte[] image = png(1000, 1000);
        WorkPool pool = new WorkPool(new WorkLimits(4, 4, 24 * MIB), 100_000_000, WAIT, metrics);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch decoding = new CountDownLatch(1);
        Future<?> first = threads.submit(() -> pool.decoding(image, () -> {
            decoding.countDown();
            await(release);
            return null;
        }));
        assertTrue(decoding.await(10, TimeUnit.SECONDS));

        ApiException refused = assertThrows(ApiException.class, () -> pool.decoding(image, () -> "never"));
        assertEquals(503, refused.status());
        assertEquals(1, refused.retryAfterSeconds());
        assertTrue(refused.getMessage().contains("not enough decode memory came free"), refused.getMessage());
        assertEquals("text", pool.run(() -> "text"), "work that decodes nothing needs no decode memory");

        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertEquals("decoded", pool.decoding(image, () -> "decoded"), "the memory is back once the first is done");
    }

    @Test
    void anImageLargerThanTheWholeBudgetIsAServerLimitNotAClientError() throws IOException {
        WorkPool pool = new WorkPool(new WorkLimits(1, 0, 16 * MIB), 100_000_000, WAIT, metrics);
        AtomicBoolean ran = new AtomicBoolean();
        ApiException refused = assertThrows(ApiException.class, () -> pool.decoding(png(2000, 1000), () -> {
            ran.set(true);
            return null;
        }));
        assertEquals(503, refused.status());
        assertEquals(0, refused.retryAfterSeconds(), "retrying cannot help");
        assertEquals("the image is 2000x1000 pixels, which takes about 30 MiB to decode, more than this server's "
                + "decode memory of 16 MiB", refused.getMessage());
        assertTrue(!ran.get());
        assertTrue(!pool.fitsLargestImage());
    }

    @Test
    void whatTheDecoderRefusesItselfCostsNoMemoryAndReachesTheDecoder() throws IOException {
        WorkPool pool = new WorkPool(new WorkLimits(1, 0, 16 * MIB), 1_000_000, WAIT, metrics);
        assertEquals("decoder", pool.decoding(png(2000, 1000), () -> "decoder"), "above the pixel limit");
        assertEquals("decoder", pool.decoding("not an image".getBytes(StandardCharsets.UTF_8), () -> "decoder"));
        assertTrue(pool.fitsLargestImage());
    }

    @Test
    void runningOutOfMemoryIsA503AndFreesWhatTheWorkHeld() throws IOException {
        WorkPool pool = new WorkPool(new WorkLimits(1, 0, 24 * MIB), 100_000_000, WAIT, metrics);
        byte[] image = png(1000, 1000);
        ApiException refused = assertThrows(ApiException.class, () -> pool.decoding(image, () -> {
            throw new OutOfMemoryError("Java heap space");
        }));
        assertEquals(503, refused.status());
        assertEquals(1, refused.retryAfterSeconds());
        assertEquals("fine", pool.decoding(image, () -> "fine"), "the worker and the memory were given back");
        assertTrue(scrape().contains("imgsearch_refused_total{limit=\"out_of_memory\"} 1"), scrape());
    }

    @Test
    void textsWaitingForTheirPassHoldNoWorkerButCountAgainstTheQueue() throws Exception {
        WorkPool pool = new WorkPool(new WorkLimits(1, 1, 64 * MIB), 100_000_000, WAIT, metrics);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(2);
        List<Future<String>> waiting = new ArrayList<>();
        for (String text : List.of("a", "b")) {
            waiting.add(threads.submit(() -> pool.waiting(() -> {
                inside.countDown();
                await(release);
                return text;
            })));
        }
        assertTrue(inside.await(10, TimeUnit.SECONDS), "two texts wait at once with one worker");
        assertEquals("pass", pool.worker(() -> "pass"), "the pass takes the worker the waiting texts do not hold");

        ApiException refused = assertThrows(ApiException.class, () -> pool.waiting(() -> "never"));
        assertEquals(503, refused.status());
        assertTrue(refused.getMessage().contains("1 requests wait for them"), refused.getMessage());
        release.countDown();
        assertEquals("a", waiting.get(0).get(10, TimeUnit.SECONDS));
        assertEquals("b", waiting.get(1).get(10, TimeUnit.SECONDS));
    }

    /** Holds the pool's only worker until {@code release}. */
    private Future<?> occupy(WorkPool pool, CountDownLatch release) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Future<?> running = threads.submit(() -> pool.run(() -> {
            started.countDown();
            await(release);
            return null;
        }));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        return running;
    }

    /** Waits until the pool's gauge counts {@code n} requests in it, running or queued. */
    private void awaitInPool(int n) throws InterruptedException {
        String gauge = "imgsearch_work_requests " + n + ".0";
        for (int i = 0; i < 1000 && !scrape().contains(gauge); i++) {
            Thread.sleep(10);
        }
        assertTrue(scrape().contains(gauge), scrape());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String scrape() {
        return new String(metrics.scrape(), StandardCharsets.UTF_8);
    }

    static byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }
}

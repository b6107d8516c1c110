package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The micro-batcher with a fake model that records every pass. The first pass is held open with a latch, so the
 * queries sent meanwhile deterministically queue for the next one.
 */
class TextBatcherTest {

    /** Long enough that a test would hang, not pass, if a lone query or a full batch waited for it. */
    private static final Duration FOREVER = Duration.ofDays(1);

    private final List<List<String>> passes = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch firstPassMayEnd = new CountDownLatch(1);
    private final CountDownLatch firstPassStarted = new CountDownLatch(1);
    private TextBatcher batcher;

    @AfterEach
    void close() {
        firstPassMayEnd.countDown();
        if (batcher != null) {
            batcher.close();
        }
    }

    /** One float per text: its length, so every caller can check it got its own text's row. */
    private float[][] model(List<String> texts) {
        passes.add(List.copyOf(texts));
        if (passes.size() == 1) {
            firstPassStarted.countDown();
            awaitAsNativeCodeDoes(firstPassMayEnd);
        }
        float[][] rows = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            rows[i] = new float[] {texts.get(i).length()};
        }
        return rows;
    }

    /** One worker, so that the order of passes is fixed. */
    private TextBatcher batcher(Function<List<String>, float[][]> embed, Duration window, int maxBatch) {
        batcher = new TextBatcher(embed, window, maxBatch, 1, size -> { });
        return batcher;
    }

    @Test
    void queriesThatArriveDuringAPassShareTheNextOneAndDuplicatesAreEmbeddedOnce() throws Exception {
        batcher(this::model, Duration.ofMillis(2), 32);
        CompletableFuture<float[]> first = batcher.submit("a");
        await(firstPassStarted);
        CompletableFuture<float[]> b = batcher.submit("bb");
        CompletableFuture<float[]> c = batcher.submit("ccc");
        CompletableFuture<float[]> bAgain = batcher.submit("bb");
        firstPassMayEnd.countDown();

        assertArrayEquals(new float[] {1}, get(first));
        assertArrayEquals(new float[] {2}, get(b));
        assertArrayEquals(new float[] {3}, get(c));
        assertSame(get(b), get(bAgain), "one row serves both requests for the same text");
        assertEquals(List.of(List.of("a"), List.of("bb", "ccc")), passes);
    }

    @Test
    void aLoneQueryRunsAtOnceWithoutWaitingForTheWindow() throws Exception {
        batcher(texts -> new float[][] {{42}}, FOREVER, 32);
        assertArrayEquals(new float[] {42}, get(batcher.submit("alone")));
        assertArrayEquals(new float[] {42}, get(batcher.submit("alone again")));
    }

    @Test
    void aFullBatchRunsWithoutWaitingForTheWindowAndNoPassExceedsTheMaximum() throws Exception {
        batcher(this::model, FOREVER, 3);
        CompletableFuture<float[]> first = batcher.submit("x");
        await(firstPassStarted);
        List<CompletableFuture<float[]>> queued = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            queued.add(batcher.submit("t" + "-".repeat(i)));
        }
        firstPassMayEnd.countDown();
        get(first);
        for (int i = 0; i < queued.size(); i++) {
            assertArrayEquals(new float[] {1 + i}, get(queued.get(i)));
        }
        assertEquals(List.of(List.of("x"), List.of("t", "t-", "t--"), List.of("t---", "t----", "t-----")), passes);
    }

    @Test
    void aSecondWorkerRunsAPassWhileTheFirstIsBusy() throws Exception {
        batcher = new TextBatcher(this::model, Duration.ofMillis(1), 32, 2, size -> { });
        CompletableFuture<float[]> held = batcher.submit("held");
        await(firstPassStarted);
        assertArrayEquals(new float[] {6}, get(batcher.submit("passes")), "runs while the first pass is held");
        assertFalse(held.isDone());
        firstPassMayEnd.countDown();
        assertArrayEquals(new float[] {4}, get(held));
    }

    @Test
    void aFailedPassFailsEveryQueryInItAndTheNextPassWorks() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException broken = new IllegalStateException("model failed");
        batcher(texts -> {
            if (calls.incrementAndGet() == 1) {
                throw broken;
            }
            return new float[][] {{7}};
        }, Duration.ofMillis(1), 32);
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(batcher.submit("fails")));
        assertSame(broken, e.getCause());
        assertArrayEquals(new float[] {7}, get(batcher.submit("works")));
    }

    @Test
    void aClosedBatcherFailsWhatIsQueuedAndRefusesMore() throws Exception {
        batcher(this::model, Duration.ofMillis(1), 32);
        CompletableFuture<float[]> running = batcher.submit("running");
        await(firstPassStarted);
        CompletableFuture<float[]> queued = batcher.submit("queued");
        batcher.close();
        firstPassMayEnd.countDown();
        assertArrayEquals(new float[] {7}, get(running), "the pass in flight completes");
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(queued));
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
        e = assertThrows(ExecutionException.class, () -> get(batcher.submit("later")));
        assertTrue(e.getCause() instanceof IllegalStateException);
    }

    private static float[] get(CompletableFuture<float[]> future) throws Exception {
        return future.get(60, TimeUnit.SECONDS);
    }

    /** A model call in libtorch does not stop when its thread is interrupted; neither does the fake. */
    private static void awaitAsNativeCodeDoes(CountDownLatch latch) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (latch.getCount() > 0 && System.nanoTime() < deadline) {
                try {
                    latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out waiting for the fake model");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package dev.imgsearch.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Embeds the text queries of concurrent requests together, one forward pass for many. A pass over a few short texts
 * costs little more than a pass over one: the weights are read once, and the batch is only as long as its longest
 * text.
 *
 * <p>Each worker thread takes the oldest waiting query and everything queued behind it. While queries have been
 * arriving together (its last pass held more than one, or more are already waiting), it also waits for further
 * queries until the oldest has waited {@code window} in all, then runs the pass; a lone query at low load runs at
 * once. Queries that arrive while every worker runs a pass wait for the next one. Identical texts in a batch are
 * embedded once. Several workers let passes overlap: a pass over a few short texts leaves the cores idle between its
 * small matrix products.
 */
final class TextBatcher implements AutoCloseable {

    private record Pending(String text, long arrivedNanos, CompletableFuture<float[]> result) {
    }

    private final Function<List<String>, float[][]> embed;
    private final long windowNanos;
    private final int maxBatch;
    private final IntConsumer batchSizes;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param embed      embeds a batch of distinct texts, one row per text, in order; called by several workers at once
     * @param window     how long the oldest query of a batch may wait for others to join it
     * @param maxBatch   most texts in one pass
     * @param passes     most passes at once (worker threads)
     * @param batchSizes told the number of texts of every pass (for metrics)
     */
    TextBatcher(Function<List<String>, float[][]> embed, java.time.Duration window, int maxBatch, int passes,
                IntConsumer batchSizes) {
        if (maxBatch < 1 || passes < 1) {
            throw new IllegalArgumentException("max batch and passes must be at least 1, got " + maxBatch + " and "
                    + passes);
        }
        this.embed = embed;
        this.windowNanos = window.toNanos();
        this.maxBatch = maxBatch;
        this.batchSizes = batchSizes;
        for (int i = 0; i < passes; i++) {
            Thread worker = new Thread(this::work, "imgsearch-text-batcher-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
    }

    /** The embedding of {@code text}, completed when the pass that holds it has run (exceptionally if it failed). */
    CompletableFuture<float[]> submit(String text) {
        CompletableFuture<float[]> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(closedError());
            return result;
        }
        queue.add(new Pending(text, System.nanoTime(), result));
        if (closed) {
            failQueued();
        }
        return result;
    }

    private void work() {
        int lastBatch = 0;
        try {
            while (!closed) {
                List<Pending> batch = new ArrayList<>();
                batch.add(queue.take());
                queue.drainTo(batch, maxBatch - batch.size());
                if (lastBatch > 1 || batch.size() > 1) {
                    gather(batch);
                }
                run(batch);
                lastBatch = batch.size();
            }
        } catch (InterruptedException e) {
            // close() interrupts workers that wait for queries; what is still queued is failed there.
        }
    }

    private void gather(List<Pending> batch) throws InterruptedException {
        long deadline = batch.get(0).arrivedNanos() + windowNanos;
        while (batch.size() < maxBatch) {
            long left = deadline - System.nanoTime();
            Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    private void run(List<Pending> batch) {
        Map<String, List<CompletableFuture<float[]>>> byText = new LinkedHashMap<>();
        for (Pending pending : batch) {
            byText.computeIfAbsent(pending.text(), t -> new ArrayList<>()).add(pending.result());
        }
        List<String> texts = List.copyOf(byText.keySet());
        batchSizes.accept(texts.size());
        float[][] vectors;
        try {
            vectors = embed.apply(texts);
        } catch (RuntimeException | Error e) {
            byText.values().forEach(waiting -> waiting.forEach(f -> f.completeExceptionally(e)));
            return;
        }
        for (int i = 0; i < texts.size(); i++) {
            float[] vector = vectors[i];
            byText.get(texts.get(i)).forEach(f -> f.complete(vector));
        }
    }

    /** Stops the workers after the passes in flight; queries not yet run fail. Idempotent. */
    @Override
    public void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
        failQueued();
    }

    private void failQueued() {
        for (Pending pending = queue.poll(); pending != null; pending = queue.poll()) {
            pending.result().completeExceptionally(closedError());
        }
    }

    private static IllegalStateException closedError() {
        return new IllegalStateException("the text batcher is closed");
    }
}

package dev.imgsearch.embed;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.decode.DecodedImage;
import dev.imgsearch.decode.ImageDecodeException;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.FailedImage;
import dev.imgsearch.record.RecordIds;
import dev.imgsearch.record.RecordParquetWriter;
import dev.imgsearch.source.ByteRange;
import dev.imgsearch.source.ItemInfo;
import dev.imgsearch.source.SourceItem;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Turns the items of one shard into embedding rows and error rows: decode, preprocess, then embed in batches.
 *
 * <p>Every item ends up in exactly one of the two outputs, each in the order the items came; a bad item never stops
 * the shard. Items are read and the model is called on the calling thread; decoding, preprocessing and hashing run
 * on a {@link PreprocessPool} of the given size, which works on the next batch while the model embeds the current
 * one, so that a GPU task is fed by several cores.
 */
public final class ShardEmbedder {

    private final ClipEmbedder embedder;
    private final int batchSize;
    private final int preprocessThreads;

    /** Preprocessing on the calling thread, between model calls. */
    public ShardEmbedder(ClipEmbedder embedder, int batchSize) {
        this(embedder, batchSize, 1);
    }

    /** @param preprocessThreads threads that decode and preprocess; 1 means the calling thread, as the model does */
    public ShardEmbedder(ClipEmbedder embedder, int batchSize, int preprocessThreads) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (preprocessThreads < 1) {
            throw new IllegalArgumentException("preprocess threads must be at least 1, got " + preprocessThreads);
        }
        this.embedder = embedder;
        this.batchSize = batchSize;
        this.preprocessThreads = preprocessThreads;
    }

    /** Embeds every item, writing each to {@code embeddings} or {@code errors}. */
    public Counts embed(Iterator<SourceItem> items, RecordParquetWriter embeddings, RecordParquetWriter errors)
            throws IOException {
        try (PreprocessPool pool = PreprocessPool.of(preprocessThreads)) {
            // Two batches in flight: the one the model embeds next and the one the pool prepares meanwhile.
            int window = pool.inline() ? 1 : 2 * batchSize;
            Deque<CompletableFuture<Outcome>> ahead = new ArrayDeque<>(window);
            List<Prepared> batch = new ArrayList<>(batchSize);
            long embedded = 0;
            long failed = 0;
            while (true) {
                while (ahead.size() < window && items.hasNext()) {
                    SourceItem item = items.next();
                    ahead.add(CompletableFuture.supplyAsync(() -> prepare(item), pool.executor()));
                }
                if (ahead.isEmpty()) {
                    break;
                }
                Outcome outcome = result(ahead.poll());
                if (outcome.failure() != null) {
                    errors.write(outcome.failure());
                    failed++;
                    continue;
                }
                batch.add(outcome.prepared());
                if (batch.size() == batchSize) {
                    embedded += flush(batch, embeddings);
                    batch.clear();
                }
            }
            embedded += flush(batch, embeddings);
            return new Counts(embedded, failed);
        }
    }

    /** Everything an item needs before the model, on a pool thread: thread-safe, as the embedder's parts are. */
    private Outcome prepare(SourceItem item) {
        String id = RecordIds.forUri(item.uri());
        if (item.bytes() == null) {
            return Outcome.failed(new FailedImage(id, item.uri(), "read", item.readError()));
        }
        DecodedImage image;
        float[] pixels;
        try {
            image = embedder.decode(item.bytes());
            pixels = embedder.pixels(image);
        } catch (ImageDecodeException e) {
            return Outcome.failed(new FailedImage(id, item.uri(), "decode", e.getMessage()));
        } catch (RuntimeException e) {
            return Outcome.failed(new FailedImage(id, item.uri(), "preprocess", OneLine.of(e)));
        }
        return Outcome.ready(new Prepared(id, item, image.width(), image.height(), pixels,
                RecordIds.sha256Hex(item.bytes())));
    }

    /** A prepared item, or what a pool thread threw that is not the image's fault (out of memory): the shard fails. */
    private static Outcome result(CompletableFuture<Outcome> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * Embeds a batch. A model failure is never charged to the images: every preprocessed input has the same shape, so
     * a failing call means the model or its device is unusable (closed at executor shutdown, out of memory), and the
     * shard must fail and be retried rather than commit its images as errors.
     */
    private long flush(List<Prepared> batch, RecordParquetWriter embeddings) throws IOException {
        if (batch.isEmpty()) {
            return 0;
        }
        float[][] vectors = embedder.embedPixels(batch.stream().map(Prepared::pixels).toArray(float[][]::new));
        for (int i = 0; i < batch.size(); i++) {
            write(batch.get(i), vectors[i], embeddings);
        }
        return batch.size();
    }

    private void write(Prepared p, float[] vector, RecordParquetWriter embeddings) throws IOException {
        ItemInfo info = p.item().info();
        ByteRange member = info.member();
        embeddings.write(new EmbeddingRecord(p.id(), p.item().uri(), p.width(), p.height(), p.sha256(),
                embedder.descriptor().name(), vector, info.caption(), info.label(), info.metadataJson(),
                member == null ? null : member.offset(), member == null ? null : member.length()));
    }

    /** Rows written to each output. */
    public record Counts(long embedded, long failed) {
    }

    private record Prepared(String id, SourceItem item, int width, int height, float[] pixels, String sha256) {
    }

    /** One item after preparation: exactly one of the two is set. */
    private record Outcome(Prepared prepared, FailedImage failure) {

        static Outcome ready(Prepared prepared) {
            return new Outcome(prepared, null);
        }

        static Outcome failed(FailedImage failure) {
            return new Outcome(null, failure);
        }
    }
}

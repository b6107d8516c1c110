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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Turns the items of one shard into embedding rows and error rows: decode, preprocess, then embed in batches.
 *
 * <p>Every item ends up in exactly one of the two outputs; a bad item never stops the shard.
 */
public final class ShardEmbedder {

    private final ClipEmbedder embedder;
    private final int batchSize;

    public ShardEmbedder(ClipEmbedder embedder, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.embedder = embedder;
        this.batchSize = batchSize;
    }

    /** Embeds every item, writing each to {@code embeddings} or {@code errors}. */
    public Counts embed(Iterator<SourceItem> items, RecordParquetWriter embeddings, RecordParquetWriter errors)
            throws IOException {
        List<Prepared> batch = new ArrayList<>(batchSize);
        long embedded = 0;
        long failed = 0;
        while (items.hasNext()) {
            SourceItem item = items.next();
            String id = RecordIds.forUri(item.uri());
            if (item.bytes() == null) {
                errors.write(new FailedImage(id, item.uri(), "read", item.readError()));
                failed++;
                continue;
            }
            DecodedImage image;
            float[] pixels;
            try {
                image = embedder.decode(item.bytes());
                pixels = embedder.pixels(image);
            } catch (ImageDecodeException e) {
                errors.write(new FailedImage(id, item.uri(), "decode", e.getMessage()));
                failed++;
                continue;
            } catch (RuntimeException e) {
                errors.write(new FailedImage(id, item.uri(), "preprocess", OneLine.of(e)));
                failed++;
                continue;
            }
            batch.add(new Prepared(id, item, image.width(), image.height(), pixels));
            if (batch.size() == batchSize) {
                embedded += flush(batch, embeddings);
                batch.clear();
            }
        }
        embedded += flush(batch, embeddings);
        return new Counts(embedded, failed);
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
        embeddings.write(new EmbeddingRecord(p.id(), p.item().uri(), p.width(), p.height(),
                RecordIds.sha256Hex(p.item().bytes()), embedder.descriptor().name(), vector, info.caption(),
                info.label(), info.metadataJson(), member == null ? null : member.offset(),
                member == null ? null : member.length()));
    }

    /** Rows written to each output. */
    public record Counts(long embedded, long failed) {
    }

    private record Prepared(String id, SourceItem item, int width, int height, float[] pixels) {
    }
}

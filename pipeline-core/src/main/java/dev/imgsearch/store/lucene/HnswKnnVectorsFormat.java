package dev.imgsearch.store.lucene;

import dev.imgsearch.store.lucene.similarity.SimilarityVectorsScorer;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsWriter;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.search.TaskExecutor;

import java.io.IOException;
import java.util.concurrent.ExecutorService;

/**
 * Lucene's own HNSW graph over float32 vectors (its Lucene99 files, unchanged), with every distance computed by a
 * {@link SimilarityVectorsScorer} (SIMD on JDK 17 where the JVM allows) instead of Lucene's scalar one. Segments name
 * their vector format, and a reader finds it by that name through SPI
 * ({@code META-INF/services/org.apache.lucene.codecs.KnnVectorsFormat}), so segments written with it are searched with
 * it too; segments of stores written before it name Lucene's {@code Lucene99HnswVectorsFormat} and are read by it.
 */
public final class HnswKnnVectorsFormat extends KnnVectorsFormat {

    static final String NAME = "ImgsearchHnsw99";

    private final int maxConn;
    private final int beamWidth;
    private final int mergeWorkers;
    private final TaskExecutor mergeExecutor;
    private final Lucene99FlatVectorsFormat flat;

    /** The reader's instance, which SPI creates: only writing needs the graph parameters. */
    public HnswKnnVectorsFormat() {
        this(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN, Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH, 1, null,
                SimilarityVectorsScorer.preferred());
    }

    /**
     * @param mergeExecutor the threads that build a merged graph ({@code mergeWorkers} of them); null for one worker,
     *                      the merging thread
     */
    HnswKnnVectorsFormat(int maxConn, int beamWidth, int mergeWorkers, ExecutorService mergeExecutor,
                         FlatVectorsScorer scorer) {
        super(NAME);
        if ((mergeWorkers == 1) != (mergeExecutor == null)) {
            throw new IllegalArgumentException("a merge executor goes with more than one merge worker, got "
                    + mergeWorkers + " workers and " + (mergeExecutor == null ? "no executor" : "an executor"));
        }
        this.maxConn = maxConn;
        this.beamWidth = beamWidth;
        this.mergeWorkers = mergeWorkers;
        this.mergeExecutor = mergeExecutor == null ? null : new TaskExecutor(mergeExecutor);
        this.flat = new Lucene99FlatVectorsFormat(scorer);
    }

    @Override
    public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
        return new Lucene99HnswVectorsWriter(state, maxConn, beamWidth, flat.fieldsWriter(state), mergeWorkers,
                mergeExecutor);
    }

    @Override
    public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
        return new Lucene99HnswVectorsReader(state, flat.fieldsReader(state));
    }

    /** Lucene's own HNSW limit (1024): a graph over longer vectors is slower to build than this format is for. */
    @Override
    public int getMaxDimensions(String fieldName) {
        return DEFAULT_MAX_DIMENSIONS;
    }

    @Override
    public String toString() {
        return NAME + "(maxConn=" + maxConn + ", beamWidth=" + beamWidth + ", flat=" + flat + ")";
    }
}

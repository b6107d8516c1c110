package dev.imgsearch.store.lucene;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsWriter;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.search.TaskExecutor;

import java.io.IOException;
import java.util.concurrent.ExecutorService;

/**
 * Lucene's own HNSW graph (its Lucene99 files, unchanged) over vectors kept by a flat format whose scorer computes
 * every distance the graph is built and searched with: ours, SIMD on JDK 17 where the JVM allows
 * ({@link dev.imgsearch.store.lucene.similarity.SimilarityVectorsScorer}). Segments name their vector format, and a
 * reader finds it by that name through SPI ({@code META-INF/services/org.apache.lucene.codecs.KnnVectorsFormat}), so
 * segments written with ours are searched with ours; segments of stores written before name Lucene's formats
 * ({@code Lucene99HnswVectorsFormat}, {@code Lucene99HnswScalarQuantizedVectorsFormat}) and are read by Lucene's.
 */
abstract class HnswFormat extends KnnVectorsFormat {

    private final int maxConn;
    private final int beamWidth;
    private final int mergeWorkers;
    private final TaskExecutor mergeExecutor;
    private final FlatVectorsFormat flat;

    /**
     * @param mergeExecutor the threads that build a merged graph ({@code mergeWorkers} of them); null for one worker,
     *                      the merging thread
     */
    HnswFormat(String name, int maxConn, int beamWidth, int mergeWorkers, ExecutorService mergeExecutor,
               FlatVectorsFormat flat) {
        super(name);
        if ((mergeWorkers == 1) != (mergeExecutor == null)) {
            throw new IllegalArgumentException("a merge executor goes with more than one merge worker, got "
                    + mergeWorkers + " workers and " + (mergeExecutor == null ? "no executor" : "an executor"));
        }
        this.maxConn = maxConn;
        this.beamWidth = beamWidth;
        this.mergeWorkers = mergeWorkers;
        this.mergeExecutor = mergeExecutor == null ? null : new TaskExecutor(mergeExecutor);
        this.flat = flat;
    }

    @Override
    public final KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
        return new Lucene99HnswVectorsWriter(state, maxConn, beamWidth, flat.fieldsWriter(state), mergeWorkers,
                mergeExecutor);
    }

    @Override
    public final KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
        return new Lucene99HnswVectorsReader(state, flat.fieldsReader(state));
    }

    /** Lucene's own HNSW limit (1024): a graph over longer vectors is slower to build than this format is for. */
    @Override
    public final int getMaxDimensions(String fieldName) {
        return DEFAULT_MAX_DIMENSIONS;
    }

    @Override
    public final String toString() {
        return getName() + "(maxConn=" + maxConn + ", beamWidth=" + beamWidth + ", flat=" + flat + ")";
    }
}

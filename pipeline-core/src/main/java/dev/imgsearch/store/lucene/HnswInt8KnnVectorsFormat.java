package dev.imgsearch.store.lucene;

import dev.imgsearch.store.lucene.similarity.SimilarityVectorsScorer;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorScorer;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99ScalarQuantizedVectorsWriter;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

import java.io.IOException;
import java.util.concurrent.ExecutorService;

/**
 * The {@code hnsw-int8} kind's format: the HNSW graph over Lucene's int8 codes of the vectors, the float32 vectors
 * kept beside them (for exact re-ranking), as Lucene's {@code Lucene99HnswScalarQuantizedVectorsFormat} writes them
 * (7 bits, uncompressed, the confidence interval from the dimension). Our distances ({@link HnswFormat}) score the
 * float32 vectors, with which a segment's graph is built while indexing; the int8 codes, which a merge and a search
 * score, keep Lucene's own scalar int8 arithmetic.
 */
public final class HnswInt8KnnVectorsFormat extends HnswFormat {

    static final String NAME = "ImgsearchHnswInt899";

    /** Lucene's defaults for its int8 HNSW format. */
    private static final byte BITS = 7;
    private static final boolean COMPRESS = false;
    private static final Float CONFIDENCE_FROM_DIMENSION = null;

    /** The reader's instance, which SPI creates: only writing needs the graph parameters. */
    public HnswInt8KnnVectorsFormat() {
        this(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN, Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH, 1, null,
                SimilarityVectorsScorer.preferred());
    }

    HnswInt8KnnVectorsFormat(int maxConn, int beamWidth, int mergeWorkers, ExecutorService mergeExecutor,
                             FlatVectorsScorer scorer) {
        super(NAME, maxConn, beamWidth, mergeWorkers, mergeExecutor, new Int8Flat(scorer));
    }

    /** Lucene's int8 storage (codes and float32 vectors), with {@code scorer} for the float32 ones. */
    private static final class Int8Flat extends FlatVectorsFormat {
        private final Lucene99FlatVectorsFormat raw;
        private final Lucene99ScalarQuantizedVectorScorer scorer;

        Int8Flat(FlatVectorsScorer floatScorer) {
            super("ImgsearchInt8Flat99");
            this.raw = new Lucene99FlatVectorsFormat(floatScorer);
            this.scorer = new Lucene99ScalarQuantizedVectorScorer(floatScorer);
        }

        @Override
        public FlatVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
            return new Lucene99ScalarQuantizedVectorsWriter(state, CONFIDENCE_FROM_DIMENSION, BITS, COMPRESS,
                    raw.fieldsWriter(state), scorer);
        }

        @Override
        public FlatVectorsReader fieldsReader(SegmentReadState state) throws IOException {
            return new Lucene99ScalarQuantizedVectorsReader(state, raw.fieldsReader(state), scorer);
        }

        @Override
        public String toString() {
            return "Int8Flat(bits=" + BITS + ", compress=" + COMPRESS + ", raw=" + raw + ")";
        }
    }
}

package dev.imgsearch.store.lucene;

import dev.imgsearch.store.lucene.similarity.SimilarityVectorsScorer;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

import java.util.concurrent.ExecutorService;

/** The {@code hnsw} kind's format: the HNSW graph over float32 vectors, with our distances ({@link HnswFormat}). */
public final class HnswKnnVectorsFormat extends HnswFormat {

    static final String NAME = "ImgsearchHnsw99";

    /** The reader's instance, which SPI creates: only writing needs the graph parameters. */
    public HnswKnnVectorsFormat() {
        this(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN, Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH, 1, null,
                SimilarityVectorsScorer.preferred());
    }

    HnswKnnVectorsFormat(int maxConn, int beamWidth, int mergeWorkers, ExecutorService mergeExecutor,
                         FlatVectorsScorer scorer) {
        super(NAME, maxConn, beamWidth, mergeWorkers, mergeExecutor, new Lucene99FlatVectorsFormat(scorer));
    }
}

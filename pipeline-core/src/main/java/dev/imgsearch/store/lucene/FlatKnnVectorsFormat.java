package dev.imgsearch.store.lucene;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

import java.io.IOException;

/**
 * Float32 vectors stored without any graph, for the exact (flat) index kind. Lucene 9 ships this storage only as a
 * building block of its HNSW formats; a segment must name its vector format through SPI to be readable, so this
 * wrapper is registered in {@code META-INF/services/org.apache.lucene.codecs.KnnVectorsFormat}. Lucene's own
 * search over it finds nothing: {@link LuceneVectorStore} scans these vectors itself.
 */
public final class FlatKnnVectorsFormat extends KnnVectorsFormat {

    static final String NAME = "ImgsearchFlat99";

    /** Flat storage has no graph, so no graph-size reason for Lucene's default cap. */
    private static final int MAX_DIMENSIONS = 4096;

    private final Lucene99FlatVectorsFormat delegate =
            new Lucene99FlatVectorsFormat(FlatVectorScorerUtil.getLucene99FlatVectorsScorer());

    public FlatKnnVectorsFormat() {
        super(NAME);
    }

    @Override
    public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
        return delegate.fieldsWriter(state);
    }

    @Override
    public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
        return delegate.fieldsReader(state);
    }

    @Override
    public int getMaxDimensions(String fieldName) {
        return MAX_DIMENSIONS;
    }
}

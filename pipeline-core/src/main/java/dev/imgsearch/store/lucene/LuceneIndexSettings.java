package dev.imgsearch.store.lucene;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.lucene.similarity.SimilarityVectorsScorer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * What a Lucene store is built with, fixed when the index is created and kept in its commit data so that every
 * later writer indexes the same way and every reader knows the schema.
 *
 * @param kind      flat, HNSW or HNSW over int8
 * @param maxConn   HNSW's M: graph neighbours per node (ignored by flat)
 * @param beamWidth HNSW's efConstruction: candidates considered while inserting (ignored by flat)
 * @param schema    the metadata fields
 */
public record LuceneIndexSettings(LuceneIndexKind kind, int maxConn, int beamWidth, MetadataSchema schema) {

    /**
     * Twice Lucene's 16: at 1M × 512 (clustered) recall@10 rose from 0.892 to 0.957 after the store's search of 100
     * candidates, with the build as fast (364 s against 362 s) and query p99 under 10 ms (docs/benchmarks.md, issue 13).
     */
    public static final int DEFAULT_MAX_CONN = 32;
    /**
     * Half of Lucene's 100: at 100k × 512 the build ran at 0.81× hnswlib's rate instead of 0.43×, with the same
     * recall@10 (1.000) after the store's search of 100 candidates and exact re-rank (docs/benchmarks.md, issue 13).
     */
    public static final int DEFAULT_BEAM_WIDTH = 50;

    public static final LuceneIndexSettings DEFAULT =
            new LuceneIndexSettings(LuceneIndexKind.HNSW, DEFAULT_MAX_CONN, DEFAULT_BEAM_WIDTH, MetadataSchema.IMAGES);

    static final String FORMAT_KEY = "imgsearch.format";
    private static final String FORMAT = "1";
    private static final String KIND_KEY = "imgsearch.kind";
    private static final String MAX_CONN_KEY = "imgsearch.hnsw.max-conn";
    private static final String BEAM_WIDTH_KEY = "imgsearch.hnsw.beam-width";
    private static final String SCHEMA_KEY = "imgsearch.schema";

    public LuceneIndexSettings {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(schema, "schema");
        if (maxConn < 1 || maxConn > Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN) {
            throw new IllegalArgumentException(
                    "HNSW max-conn (M) must be between 1 and " + Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN + ", got " + maxConn);
        }
        if (beamWidth < 1 || beamWidth > Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH) {
            throw new IllegalArgumentException("HNSW beam-width (efConstruction) must be between 1 and "
                    + Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH + ", got " + beamWidth);
        }
    }

    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether vectors are indexed the same way under both settings, whatever their schemas. */
    boolean indexesLike(LuceneIndexSettings other) {
        return kind == other.kind && maxConn == other.maxConn && beamWidth == other.beamWidth;
    }

    /**
     * The codec that indexes vectors as these settings say; a merge builds its HNSW graph on {@code mergeWorkers}
     * threads of {@code mergeExecutor} (null for one, the merging thread).
     */
    Codec codec(int mergeWorkers, ExecutorService mergeExecutor) {
        KnnVectorsFormat format = switch (kind) {
            case FLAT -> new FlatKnnVectorsFormat();
            case HNSW -> new HnswKnnVectorsFormat(maxConn, beamWidth, mergeWorkers, mergeExecutor,
                    SimilarityVectorsScorer.preferred());
            case HNSW_INT8 -> new HnswInt8KnnVectorsFormat(maxConn, beamWidth, mergeWorkers, mergeExecutor,
                    SimilarityVectorsScorer.preferred());
        };
        return new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }

    Map<String, String> commitData() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(FORMAT_KEY, FORMAT);
        data.put(KIND_KEY, kind.id());
        data.put(MAX_CONN_KEY, Integer.toString(maxConn));
        data.put(BEAM_WIDTH_KEY, Integer.toString(beamWidth));
        data.put(SCHEMA_KEY, schema.encode());
        return data;
    }

    /** The settings kept in an index's commit data; {@code where} names the index in errors. */
    static LuceneIndexSettings fromCommitData(Map<String, String> data, String where) {
        if (!FORMAT.equals(data.get(FORMAT_KEY))) {
            throw new StoreException(data.containsKey(FORMAT_KEY)
                    ? "Lucene index at " + where + " has imgsearch format " + data.get(FORMAT_KEY) + ", expected " + FORMAT
                    : "Lucene index at " + where + " was not written by imgsearch (no " + FORMAT_KEY + " in its commit data)");
        }
        try {
            return new LuceneIndexSettings(
                    LuceneIndexKind.parse(data.get(KIND_KEY)),
                    Integer.parseInt(data.get(MAX_CONN_KEY)),
                    Integer.parseInt(data.get(BEAM_WIDTH_KEY)),
                    MetadataSchema.decode(data.get(SCHEMA_KEY)));
        } catch (RuntimeException e) {
            throw new StoreException("Lucene index at " + where + " has unreadable imgsearch settings " + data, e);
        }
    }

    /** Builds {@link LuceneIndexSettings}, starting from the defaults or from given settings; checked by {@link #build()}. */
    public static final class Builder {
        private LuceneIndexKind kind;
        private int maxConn;
        private int beamWidth;
        private MetadataSchema schema;

        private Builder(LuceneIndexSettings from) {
            kind = from.kind;
            maxConn = from.maxConn;
            beamWidth = from.beamWidth;
            schema = from.schema;
        }

        public Builder kind(LuceneIndexKind value) {
            kind = value;
            return this;
        }

        /** HNSW's M. */
        public Builder maxConn(int value) {
            maxConn = value;
            return this;
        }

        /** HNSW's efConstruction. */
        public Builder beamWidth(int value) {
            beamWidth = value;
            return this;
        }

        public Builder schema(MetadataSchema value) {
            schema = value;
            return this;
        }

        public LuceneIndexSettings build() {
            return new LuceneIndexSettings(kind, maxConn, beamWidth, schema);
        }
    }

    @Override
    public String toString() {
        String index = kind == LuceneIndexKind.FLAT ? kind.id() : kind.id() + "(M=" + maxConn + ", beam-width=" + beamWidth + ")";
        return index + " with schema " + schema.encode();
    }
}

package dev.imgsearch.store.lucene;

import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.ShardedBuilds;
import dev.imgsearch.store.StoreUri;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import dev.imgsearch.store.Vectors;
import dev.imgsearch.store.lucene.similarity.FloatSimilarity;
import dev.imgsearch.store.lucene.similarity.SimilarityVectorsScorer;
import dev.imgsearch.store.lucene.similarity.FloatSimilarities;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our HNSW format: graphs built with either kernels search well, and stores written with Lucene's own format live on. */
class HnswKnnVectorsFormatTest {

    private static final int DIM = 24;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(value = LuceneIndexKind.class, names = {"HNSW", "HNSW_INT8"})
    void aStoreWrittenWithLucenesOwnHnswFormatOpensSearchesAndTakesIncrementalBuilds(LuceneIndexKind kind)
            throws IOException {
        Path dir = tmp.resolve("before");
        Random random = new Random(21);
        List<VectorRecord> first = LuceneVectorStoreTest.records(0, 120, random);
        try (LuceneVectorStore store = LuceneVectorStore.open(dir, OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.builder().kind(kind).build(), 50)) {
            store.upsert(first.subList(0, 60));
            store.upsert(first.subList(60, 120));
        }
        KnnVectorsFormat lucenes = kind == LuceneIndexKind.HNSW
                ? new Lucene99HnswVectorsFormat() : new Lucene99HnswScalarQuantizedVectorsFormat();
        rewriteWith(lucenes, dir);
        assertEquals(Set.of(lucenes.getName()), vectorFormats(dir));

        StoreUri uri = StoreUri.parse("lucene:" + dir + "?kind=" + kind.id());
        try (VectorStore store = uri.open(OpenMode.READ_ONLY)) {
            assertEquals(120, store.count());
            assertFindsItself(store, first.get(7));
        }
        List<VectorRecord> added = LuceneVectorStoreTest.records(120, 160, random);
        ShardedBuilds.build(uri, Optional.empty(), added, List.of("r3"));

        try (VectorStore store = uri.open(OpenMode.READ_ONLY)) {
            assertEquals(159, store.count());
            assertFindsItself(store, first.get(7));
            assertFindsItself(store, added.get(5));
            assertTrue(store.get("r3").isEmpty());
        }
        Set<String> formats = vectorFormats(dir);
        String ours = kind == LuceneIndexKind.HNSW ? HnswKnnVectorsFormat.NAME : HnswInt8KnnVectorsFormat.NAME;
        assertTrue(formats.contains(ours), "the build's new segment is in our format: " + formats);
    }

    @Test
    void graphsBuiltWithSimdAndWithScalarKernelsBothFindTheExactNeighbours() throws IOException {
        Random random = new Random(22);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            vectors.add(Vectors.normalized(gaussian(random), "v" + i));
        }
        List<float[]> queries = IntStream.range(0, 20).mapToObj(q -> Vectors.normalized(gaussian(random), "q")).toList();
        for (FloatSimilarity similarity : List.of(FloatSimilarities.scalar(), FloatSimilarities.vectorApi().orElseThrow())) {
            Path dir = tmp.resolve("graph-" + similarity.getClass().getSimpleName());
            KnnVectorsFormat format = new HnswKnnVectorsFormat(16, 100, 1, null, new SimilarityVectorsScorer(similarity));
            try (Directory directory = FSDirectory.open(dir);
                 IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setCodec(codecWith(format)))) {
                for (int i = 0; i < vectors.size(); i++) {
                    Document doc = new Document();
                    doc.add(new StoredField("i", i));
                    doc.add(new KnnFloatVectorField("v", vectors.get(i), VectorSimilarityFunction.DOT_PRODUCT));
                    writer.addDocument(doc);
                }
                writer.forceMerge(1);
            }
            int found = 0;
            try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(dir))) {
                assertEquals(Set.of(HnswKnnVectorsFormat.NAME), vectorFormats(reader, "v"));
                IndexSearcher searcher = new IndexSearcher(reader);
                // More candidates than hits, as the store explores (LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES).
                for (float[] query : queries) {
                    Set<Integer> exact = exactTop10(vectors, query);
                    for (ScoreDoc hit : searcher.search(new KnnFloatVectorQuery("v", query, 50), 10).scoreDocs) {
                        int i = searcher.storedFields().document(hit.doc).getField("i").numericValue().intValue();
                        found += exact.contains(i) ? 1 : 0;
                        assertEquals(VectorSimilarityFunction.DOT_PRODUCT.compare(query, vectors.get(i)), hit.score, 1e-6f);
                    }
                }
            }
            assertTrue(found >= 0.95 * 10 * queries.size(), similarity + ": recall@10 " + found / (10.0 * queries.size()));
        }
    }

    /** What a store from before our formats is: the same files, but its segments name Lucene's own HNSW format. */
    private static void rewriteWith(KnnVectorsFormat lucenes, Path dir) throws IOException {
        try (Directory directory = FSDirectory.open(dir);
             IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig()
                     .setCodec(codecWith(lucenes)).setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
            writer.forceMerge(1);
            writer.commit();
        }
    }

    private static void assertFindsItself(VectorStore store, VectorRecord record) {
        List<SearchHit> hits = store.search(Vectors.normalized(record.vector(), record.id()),
                SearchRequest.builder().k(1).build());
        assertEquals(record.id(), hits.get(0).id());
    }

    private static Set<String> vectorFormats(Path dir) throws IOException {
        Set<String> formats = new TreeSet<>();
        for (Path index : indexDirectories(dir)) {
            try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(index))) {
                formats.addAll(vectorFormats(reader, LuceneDocuments.VECTOR));
            }
        }
        return formats;
    }

    /** The store's Lucene indexes, wherever its layout keeps them: each folder with a commit point. */
    private static List<Path> indexDirectories(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("segments_")).map(Path::getParent)
                    .distinct().toList();
        }
    }

    private static Set<String> vectorFormats(DirectoryReader reader, String field) {
        Set<String> formats = new TreeSet<>();
        for (LeafReaderContext leaf : reader.leaves()) {
            formats.add(leaf.reader().getFieldInfos().fieldInfo(field).getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY));
        }
        return formats;
    }

    private static Lucene912Codec codecWith(KnnVectorsFormat format) {
        return new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }

    private static Set<Integer> exactTop10(List<float[]> vectors, float[] query) {
        return IntStream.range(0, vectors.size()).boxed()
                .sorted(Comparator.comparingDouble(i -> -Vectors.cosine(query, vectors.get(i))))
                .limit(10)
                .collect(Collectors.toSet());
    }

    private static float[] gaussian(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}

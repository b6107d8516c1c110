package dev.imgsearch.store.lucene;

import dev.imgsearch.store.ExactRerank;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.SearchHit;
import dev.imgsearch.store.SearchRequest;
import dev.imgsearch.store.StoreException;
import dev.imgsearch.store.VectorRecord;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.ConjunctionUtils;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/** Reads of a {@link LuceneVectorStore} on one point-in-time searcher: lookups by id and nearest-neighbour search. */
final class LuceneSearches {

    private LuceneSearches() {
    }

    static Optional<VectorRecord> get(IndexSearcher searcher, String id, MetadataSchema schema) throws IOException {
        TopDocs top = searcher.search(new TermQuery(new Term(LuceneDocuments.ID, id)), 1);
        if (top.scoreDocs.length == 0) {
            return Optional.empty();
        }
        int doc = top.scoreDocs[0].doc;
        float[] vector = vectors(searcher, List.of(doc)).get(doc);
        Map<String, Object> metadata = LuceneDocuments.metadata(searcher.storedFields().document(doc), schema);
        return Optional.of(new VectorRecord(id, vector, metadata));
    }

    /**
     * The request's hits for a unit-length query: {@code request.candidates()} documents chosen by the index, then
     * re-ranked by the exact cosine of their stored vectors.
     *
     * @param filter           the metadata filter as a Lucene query, or null
     * @param searchCandidates how many candidates an HNSW graph search explores at least; 0 for a flat index,
     *                         which is scanned
     */
    static List<SearchHit> search(IndexSearcher searcher, float[] query, Query filter, SearchRequest request,
                                  int searchCandidates, MetadataSchema schema) throws IOException {
        List<Integer> candidates = searchCandidates == 0
                ? scan(searcher, query, filter, request.candidates())
                : approximate(searcher, query, filter, request.candidates(), searchCandidates);
        Map<Integer, float[]> vectors = vectors(searcher, candidates);
        List<SearchHit> hits = new ArrayList<>();
        for (ExactRerank.Ranked<Integer> ranked
                : ExactRerank.topK(query, candidates, vectors::get, request.k(), request.minScore())) {
            Document doc = searcher.storedFields().document(ranked.item());
            hits.add(new SearchHit(doc.get(LuceneDocuments.ID), ranked.score(), LuceneDocuments.metadata(doc, schema)));
        }
        return hits;
    }

    /** The {@code n} best documents by HNSW graph search; the graph explores at least {@code searchCandidates}. */
    private static List<Integer> approximate(IndexSearcher searcher, float[] query, Query filter, int n,
                                             int searchCandidates) throws IOException {
        int explore = Math.max(n, searchCandidates);
        TopDocs top = searcher.search(new KnnFloatVectorQuery(LuceneDocuments.VECTOR, query, explore, filter), explore);
        return Arrays.stream(top.scoreDocs).limit(n).map(hit -> hit.doc).toList();
    }

    /** The {@code n} best documents by scanning every live vector that passes the filter. */
    private static List<Integer> scan(IndexSearcher searcher, float[] query, Query filter, int n) throws IOException {
        Weight filterWeight = filter == null
                ? null : searcher.createWeight(searcher.rewrite(filter), ScoreMode.COMPLETE_NO_SCORES, 1f);
        PriorityQueue<ScoreDoc> best = new PriorityQueue<>(n, Comparator.comparingDouble(hit -> hit.score));
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            FloatVectorValues values = leaf.reader().getFloatVectorValues(LuceneDocuments.VECTOR);
            if (values == null) {
                continue;
            }
            DocIdSetIterator docs = values;
            if (filterWeight != null) {
                Scorer matching = filterWeight.scorer(leaf);
                if (matching == null) {
                    continue;
                }
                docs = ConjunctionUtils.intersectIterators(List.of(matching.iterator(), values));
            }
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                if (live != null && !live.get(doc)) {
                    continue;
                }
                float score = VectorUtil.dotProduct(query, values.vectorValue());
                if (best.size() < n) {
                    best.add(new ScoreDoc(leaf.docBase + doc, score));
                } else if (score > best.peek().score) {
                    best.poll();
                    best.add(new ScoreDoc(leaf.docBase + doc, score));
                }
            }
        }
        return best.stream().map(hit -> hit.doc).toList();
    }

    /** The stored float32 vectors of these (top-level) documents. */
    private static Map<Integer, float[]> vectors(IndexSearcher searcher, List<Integer> docs) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        Map<Integer, float[]> out = new HashMap<>();
        Integer[] sorted = docs.stream().sorted().toArray(Integer[]::new);
        FloatVectorValues values = null;
        int leafIndex = -1;
        for (int doc : sorted) {
            int index = ReaderUtil.subIndex(doc, leaves);
            LeafReaderContext leaf = leaves.get(index);
            if (index != leafIndex) {
                leafIndex = index;
                values = leaf.reader().getFloatVectorValues(LuceneDocuments.VECTOR);
            }
            int local = doc - leaf.docBase;
            if (values == null || values.advance(local) != local) {
                throw new StoreException("Lucene index at " + leaf.reader() + " has a document without a vector");
            }
            out.put(doc, values.vectorValue().clone());
        }
        return out;
    }
}

package dev.imgsearch.store.lucene;

import dev.imgsearch.store.MetadataFilter;
import dev.imgsearch.store.MetadataSchema;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

import java.util.LinkedHashMap;
import java.util.Map;

/** How records map onto Lucene documents and filters onto Lucene queries. */
final class LuceneDocuments {

    /** Internal field names start with '_', which metadata names cannot. */
    static final String ID = "_id";
    static final String VECTOR = "_vector";

    private LuceneDocuments() {
    }

    /** Vectors are unit length, so dot product is cosine, and Lucene's quantization supports it best. */
    static Document toDocument(String id, float[] unitVector, Map<String, Object> metadata, MetadataSchema schema) {
        Document doc = new Document();
        doc.add(new StringField(ID, id, Field.Store.YES));
        doc.add(new KnnFloatVectorField(VECTOR, unitVector, VectorSimilarityFunction.DOT_PRODUCT));
        metadata.forEach((name, value) -> doc.add(switch (schema.type(name)) {
            case KEYWORD -> new StringField(name, (String) value, Field.Store.YES);
            case TEXT -> new StoredField(name, (String) value);
            case LONG -> new LongField(name, (Long) value, Field.Store.YES);
            case DOUBLE -> new DoubleField(name, (Double) value, Field.Store.YES);
        }));
        return doc;
    }

    static Map<String, Object> metadata(Document doc, MetadataSchema schema) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        schema.fields().forEach((name, type) -> {
            IndexableField field = doc.getField(name);
            if (field != null) {
                metadata.put(name, switch (type) {
                    case KEYWORD, TEXT -> field.stringValue();
                    case LONG -> field.numericValue().longValue();
                    case DOUBLE -> field.numericValue().doubleValue();
                });
            }
        });
        return metadata;
    }

    /** The Lucene query for a filter already checked against the schema; null when it matches everything. */
    static Query filterQuery(MetadataFilter filter, MetadataSchema schema) {
        if (filter.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        for (MetadataFilter.Condition condition : filter.conditions()) {
            all.add(conditionQuery(condition, schema.type(condition.field())), BooleanClause.Occur.FILTER);
        }
        return all.build();
    }

    private static Query conditionQuery(MetadataFilter.Condition condition, MetadataSchema.FieldType type) {
        String field = condition.field();
        if (condition instanceof MetadataFilter.Equals eq) {
            return switch (type) {
                case LONG -> LongField.newExactQuery(field, (Long) eq.value());
                case DOUBLE -> DoubleField.newExactQuery(field, (Double) eq.value());
                default -> new TermQuery(new Term(field, (String) eq.value()));
            };
        }
        if (condition instanceof MetadataFilter.In in) {
            return switch (type) {
                case LONG -> LongField.newSetQuery(field, in.values().stream().mapToLong(v -> (Long) v).toArray());
                case DOUBLE -> DoubleField.newSetQuery(field, in.values().stream().mapToDouble(v -> (Double) v).toArray());
                default -> new TermInSetQuery(field, in.values().stream().map(v -> new BytesRef((String) v)).toList());
            };
        }
        MetadataFilter.Range range = (MetadataFilter.Range) condition;
        if (type == MetadataSchema.FieldType.LONG) {
            return LongField.newRangeQuery(field,
                    range.min() == null ? Long.MIN_VALUE : range.min().longValue(),
                    range.max() == null ? Long.MAX_VALUE : range.max().longValue());
        }
        return DoubleField.newRangeQuery(field,
                range.min() == null ? Double.NEGATIVE_INFINITY : range.min().doubleValue(),
                range.max() == null ? Double.POSITIVE_INFINITY : range.max().doubleValue());
    }
}

package dev.imgsearch.store.chroma;

import dev.imgsearch.store.MetadataFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Translates a metadata filter into a Chroma where clause. */
final class ChromaWhere {

    private ChromaWhere() {
    }

    /** The where clause for a filter already checked against the schema; null when it matches everything. */
    static Map<String, Object> of(MetadataFilter filter) {
        List<Map<String, Object>> clauses = new ArrayList<>();
        for (MetadataFilter.Condition condition : filter.conditions()) {
            String field = condition.field();
            if (condition instanceof MetadataFilter.Equals eq) {
                clauses.add(Map.of(field, Map.of("$eq", eq.value())));
            } else if (condition instanceof MetadataFilter.In in) {
                clauses.add(Map.of(field, Map.of("$in", in.values())));
            } else {
                MetadataFilter.Range range = (MetadataFilter.Range) condition;
                if (range.min() != null) {
                    clauses.add(Map.of(field, Map.of("$gte", range.min())));
                }
                if (range.max() != null) {
                    clauses.add(Map.of(field, Map.of("$lte", range.max())));
                }
            }
        }
        return switch (clauses.size()) {
            case 0 -> null;
            case 1 -> clauses.get(0);
            default -> Map.of("$and", clauses);
        };
    }
}

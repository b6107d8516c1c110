package dev.imgsearch.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Conditions on metadata that every search hit must meet (all of them: a conjunction).
 *
 * @param conditions the conditions; empty matches everything
 */
public record MetadataFilter(List<Condition> conditions) {

    public static final MetadataFilter NONE = new MetadataFilter(List.of());

    public MetadataFilter {
        conditions = List.copyOf(conditions);
    }

    /** One condition on one field. */
    public sealed interface Condition permits Equals, In, Range {
        String field();
    }

    /** The field equals the value. */
    public record Equals(String field, Object value) implements Condition {
        public Equals {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(value, "value");
        }
    }

    /** The field equals one of the values. */
    public record In(String field, List<Object> values) implements Condition {
        public In {
            Objects.requireNonNull(field, "field");
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("an 'in' condition on '" + field + "' needs at least one value");
            }
        }
    }

    /** A numeric field lies in [min, max]; a null bound is open. */
    public record Range(String field, Number min, Number max) implements Condition {
        public Range {
            Objects.requireNonNull(field, "field");
            if (min == null && max == null) {
                throw new IllegalArgumentException("a range on '" + field + "' needs a lower or an upper bound");
            }
        }
    }

    public static MetadataFilter eq(String field, Object value) {
        return NONE.andEq(field, value);
    }

    public MetadataFilter andEq(String field, Object value) {
        return and(new Equals(field, value));
    }

    public MetadataFilter andIn(String field, List<?> values) {
        return and(new In(field, List.copyOf(values)));
    }

    public MetadataFilter andRange(String field, Number min, Number max) {
        return and(new Range(field, min, max));
    }

    public MetadataFilter and(Condition condition) {
        List<Condition> more = new ArrayList<>(conditions);
        more.add(condition);
        return new MetadataFilter(more);
    }

    public boolean isEmpty() {
        return conditions.isEmpty();
    }

    /**
     * Parses clauses of the form {@code field=value}, {@code field>=number} or {@code field<=number} (as given in a
     * URL query or on a command line), typed by the schema.
     */
    public static MetadataFilter parse(List<String> clauses, MetadataSchema schema) {
        MetadataFilter filter = NONE;
        for (String clause : clauses) {
            int eq = clause.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "bad filter '" + clause + "': expected field=value, field>=number or field<=number");
            }
            char before = clause.charAt(eq - 1);
            boolean range = before == '>' || before == '<';
            String field = clause.substring(0, range ? eq - 1 : eq).trim();
            Object value = schema.parse(field, clause.substring(eq + 1));
            if (!range) {
                filter = filter.andEq(field, value);
            } else if (!(value instanceof Number bound)) {
                throw new IllegalArgumentException("metadata field '" + field + "' is not numeric: no range");
            } else if (before == '>') {
                filter = filter.andRange(field, bound, null);
            } else {
                filter = filter.andRange(field, null, bound);
            }
        }
        return filter.checkedAgainst(schema);
    }

    /**
     * This filter with values in the schema's canonical types, or an IllegalArgumentException naming the first
     * unknown field, unfilterable field or ill-typed value.
     */
    public MetadataFilter checkedAgainst(MetadataSchema schema) {
        List<Condition> checked = new ArrayList<>(conditions.size());
        for (Condition condition : conditions) {
            MetadataSchema.FieldType type = schema.filterableType(condition.field());
            if (condition instanceof Equals e) {
                checked.add(new Equals(e.field(), schema.coerce(e.field(), e.value())));
            } else if (condition instanceof In in) {
                checked.add(new In(in.field(), in.values().stream().map(v -> schema.coerce(in.field(), v)).toList()));
            } else if (condition instanceof Range r) {
                if (!type.numeric()) {
                    throw new IllegalArgumentException("metadata field '" + r.field() + "' is not numeric: no range");
                }
                checked.add(new Range(r.field(),
                        r.min() == null ? null : (Number) schema.coerce(r.field(), r.min()),
                        r.max() == null ? null : (Number) schema.coerce(r.field(), r.max())));
            }
        }
        return new MetadataFilter(checked);
    }
}

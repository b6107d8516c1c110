package dev.imgsearch.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.store.MetadataFilter;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.Vectors;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns what a client sent (URL query or form fields, or a JSON object) into {@link SearchParams}, rejecting every
 * malformed, out-of-range or unknown value with a message that names it.
 */
final class ParamParser {

    static final int MAX_TEXT_CHARS = 1_000;

    private static final List<String> PAGING = List.of("k", "offset", "page", "min_score", "filter");
    private static final Set<String> PAGING_FIELDS = Set.copyOf(PAGING);

    private final int maxK;
    private final MetadataSchema schema;

    ParamParser(int maxK, MetadataSchema schema) {
        this.maxK = maxK;
        this.schema = schema;
    }

    /** Reads k, offset or page, min_score and repeated filter clauses ({@code width>=100}) from text parameters. */
    SearchParams fromText(Function<String, List<String>> values, Set<String> present, Set<String> allowedExtra) {
        for (String name : present) {
            if (!PAGING_FIELDS.contains(name) && !allowedExtra.contains(name)) {
                throw ApiException.badRequest("unknown parameter '" + name + "'; known: "
                        + String.join(", ", known(allowedExtra)));
            }
        }
        int k = intParam("k", single(values, "k"), SearchParams.DEFAULT_K);
        Integer offset = optionalInt("offset", single(values, "offset"));
        Integer page = optionalInt("page", single(values, "page"));
        String minScoreText = single(values, "min_score");
        double minScore = minScoreText == null ? Double.NEGATIVE_INFINITY : minScore(parseDouble("min_score", minScoreText));
        MetadataFilter filter;
        try {
            filter = MetadataFilter.parse(values.apply("filter"), schema);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return params(k, offset, page, filter, minScore);
    }

    /** Reads the same fields from a JSON object; the filter is an object (see the OpenAPI description). */
    SearchParams fromJson(ObjectNode body, Set<String> allowedExtra) {
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!PAGING_FIELDS.contains(name) && !allowedExtra.contains(name)) {
                throw ApiException.badRequest("unknown field '" + name + "'; known: " + String.join(", ", known(allowedExtra)));
            }
        }
        int k = body.has("k") ? jsonInt(body.get("k"), "k") : SearchParams.DEFAULT_K;
        Integer offset = body.has("offset") ? jsonInt(body.get("offset"), "offset") : null;
        Integer page = body.has("page") ? jsonInt(body.get("page"), "page") : null;
        double minScore = Double.NEGATIVE_INFINITY;
        if (body.hasNonNull("min_score")) {
            JsonNode node = body.get("min_score");
            if (!node.isNumber()) {
                throw ApiException.badRequest("min_score must be a number");
            }
            minScore = minScore(node.doubleValue());
        }
        MetadataFilter filter = body.hasNonNull("filter") ? jsonFilter(body.get("filter")) : MetadataFilter.NONE;
        return params(k, offset, page, filter, minScore);
    }

    /** A string field of a JSON object; null when it is absent or null. */
    static String jsonText(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        return node.textValue();
    }

    /** A non-empty query text of bounded length. */
    static String text(String text, String field) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest(field + " must not be empty");
        }
        String stripped = text.strip();
        if (stripped.length() > MAX_TEXT_CHARS) {
            throw ApiException.badRequest(field + " is longer than " + MAX_TEXT_CHARS + " characters");
        }
        return stripped;
    }

    /**
     * A query vector: an array of {@code dimension} finite numbers, not all zero (a zero vector has no direction to
     * search in).
     */
    static float[] embedding(JsonNode node, String field, int dimension) {
        if (node == null || !node.isArray()) {
            throw ApiException.badRequest(field + " must be an array of numbers");
        }
        if (node.size() != dimension) {
            throw ApiException.badRequest(field + " has " + node.size() + " values but this index holds "
                    + dimension + "-dimensional vectors");
        }
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            JsonNode value = node.get(i);
            if (!value.isNumber()) {
                throw ApiException.badRequest(field + "[" + i + "] must be a number");
            }
            vector[i] = value.floatValue();
        }
        try {
            Vectors.normalized(vector, field);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return vector;
    }

    /** An integer; huge values are clamped so that the range check names the allowed range. */
    static int jsonInt(JsonNode node, String field) {
        if (node == null || !node.isIntegralNumber()) {
            throw ApiException.badRequest(field + " must be an integer");
        }
        return node.canConvertToLong() ? clamp(node.longValue()) : node.bigIntegerValue().signum() < 0
                ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    }

    private SearchParams params(int k, Integer offset, Integer page, MetadataFilter filter, double minScore) {
        if (k < 1 || k > maxK) {
            throw ApiException.badRequest("k must be between 1 and " + maxK + ", got " + k);
        }
        if (offset != null && page != null) {
            throw ApiException.badRequest("give offset or page, not both");
        }
        long start = 0;
        if (offset != null) {
            if (offset < 0) {
                throw ApiException.badRequest("offset must not be negative, got " + offset);
            }
            start = offset;
        } else if (page != null) {
            if (page < 1) {
                throw ApiException.badRequest("page must be 1 or more, got " + page);
            }
            start = (long) (page - 1) * k;
        }
        if (start > SearchParams.maxOffset(k)) {
            throw ApiException.badRequest("results beyond the first " + (SearchParams.maxOffset(k) + k)
                    + " cannot be paged to; narrow the query with a filter or min_score");
        }
        return new SearchParams(k, (int) start, filter, minScore);
    }

    private MetadataFilter jsonFilter(JsonNode node) {
        if (!node.isObject()) {
            throw ApiException.badRequest("filter must be an object of field: value, [values] or {\"gte\": x, \"lte\": y}");
        }
        MetadataFilter filter = MetadataFilter.NONE;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String field = entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isArray()) {
                List<Object> values = new ArrayList<>();
                value.forEach(v -> values.add(scalar(field, v)));
                if (values.isEmpty()) {
                    throw ApiException.badRequest("filter on '" + field + "' has an empty list of values");
                }
                filter = filter.andIn(field, values);
            } else if (value.isObject()) {
                filter = filter.and(range(field, (ObjectNode) value));
            } else {
                filter = filter.andEq(field, scalar(field, value));
            }
        }
        try {
            return filter.checkedAgainst(schema);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static MetadataFilter.Range range(String field, ObjectNode bounds) {
        Number min = null;
        Number max = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = bounds.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> bound = it.next();
            if (!bound.getValue().isNumber()) {
                throw ApiException.badRequest("filter bound '" + bound.getKey() + "' on '" + field + "' must be a number");
            }
            Number number = (Number) scalar(field, bound.getValue());
            switch (bound.getKey()) {
                case "gte" -> min = number;
                case "lte" -> max = number;
                default -> throw ApiException.badRequest("unknown filter bound '" + bound.getKey() + "' on '" + field
                        + "'; use gte and lte");
            }
        }
        if (min == null && max == null) {
            throw ApiException.badRequest("filter range on '" + field + "' needs gte or lte");
        }
        return new MetadataFilter.Range(field, min, max);
    }

    private static Object scalar(String field, JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        throw ApiException.badRequest("filter value for '" + field + "' must be a string or a number");
    }

    private static double minScore(double value) {
        if (!(value >= -1 && value <= 1)) {
            throw ApiException.badRequest("min_score must be between -1 and 1, got " + value);
        }
        return value;
    }

    private static String single(Function<String, List<String>> values, String name) {
        List<String> all = values.apply(name);
        if (all.size() > 1) {
            throw ApiException.badRequest("parameter '" + name + "' is given " + all.size() + " times");
        }
        return all.isEmpty() ? null : all.get(0);
    }

    private static int intParam(String name, String text, int fallback) {
        Integer value = optionalInt(name, text);
        return value == null ? fallback : value;
    }

    private static Integer optionalInt(String name, String text) {
        if (text == null) {
            return null;
        }
        String digits = text.strip();
        if (!digits.matches("[+-]?[0-9]{1,100}")) {
            throw ApiException.badRequest(name + " must be an integer, got '" + abbreviate(text) + "'");
        }
        if (digits.replaceFirst("^[+-]?0*", "").length() > 18) {
            return digits.startsWith("-") ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        }
        return clamp(Long.parseLong(digits));
    }

    private static int clamp(long value) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }

    private static double parseDouble(String name, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a number, got '" + abbreviate(text) + "'");
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static List<String> known(Set<String> extra) {
        List<String> names = new ArrayList<>(extra);
        names.addAll(PAGING);
        return names;
    }
}

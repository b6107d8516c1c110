package dev.imgsearch.store;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The metadata fields a store accepts, each with a type. A store records its schema when it is created, so every
 * reader knows which fields exist and how to filter on them; anything outside it is rejected, never dropped.
 *
 * @param fields field name to type, in a stable order
 */
public record MetadataSchema(Map<String, FieldType> fields) {

    public static final String URI = "uri";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    public static final String SHA256 = "sha256";
    public static final String MODEL = "model";
    public static final String CAPTION = "caption";
    public static final String SOURCE = "source";
    public static final String LABEL = "label";
    public static final String SOURCE_OFFSET = "source_offset";
    public static final String SOURCE_LENGTH = "source_length";

    /** Lucene refuses longer terms; both stores share the limit so a record valid for one is valid for the other. */
    public static final int MAX_KEYWORD_BYTES = 32_766;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /** The fields of an embedded image ({@link VectorRecord#of}) plus {@code source}, the name of where it came from. */
    public static final MetadataSchema IMAGES = new MetadataSchema(Map.of())
            .with(URI, FieldType.KEYWORD)
            .with(WIDTH, FieldType.LONG)
            .with(HEIGHT, FieldType.LONG)
            .with(SHA256, FieldType.KEYWORD)
            .with(MODEL, FieldType.KEYWORD)
            .with(CAPTION, FieldType.TEXT)
            .with(SOURCE, FieldType.KEYWORD)
            .with(LABEL, FieldType.KEYWORD)
            .with(SOURCE_OFFSET, FieldType.LONG)
            .with(SOURCE_LENGTH, FieldType.LONG);

    /** How a field is stored and whether it can be filtered on. */
    public enum FieldType {
        /** A string matched exactly (equality, set membership). */
        KEYWORD,
        /** A string that is stored and returned but cannot be filtered on (captions). */
        TEXT,
        /** A 64-bit integer: equality, set membership, ranges. */
        LONG,
        /** A finite double: equality, set membership, ranges. */
        DOUBLE;

        boolean numeric() {
            return this == LONG || this == DOUBLE;
        }
    }

    public MetadataSchema {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        fields.forEach((name, type) -> {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "metadata field name '" + name + "' must match " + NAME.pattern());
            }
        });
    }

    /** This schema plus one more field. */
    public MetadataSchema with(String name, FieldType type) {
        if (fields.containsKey(name)) {
            throw new IllegalArgumentException("metadata field '" + name + "' is already in the schema");
        }
        Map<String, FieldType> more = new LinkedHashMap<>(fields);
        more.put(name, type);
        return new MetadataSchema(more);
    }

    /** The type of a field, or an IllegalArgumentException naming the known fields. */
    public FieldType type(String field) {
        FieldType type = fields.get(field);
        if (type == null) {
            throw new IllegalArgumentException(
                    "unknown metadata field '" + field + "'; known fields: " + String.join(", ", fields.keySet()));
        }
        return type;
    }

    /** The type of a field that may be filtered on. */
    public FieldType filterableType(String field) {
        FieldType type = type(field);
        if (type == FieldType.TEXT) {
            throw new IllegalArgumentException("metadata field '" + field + "' is text and cannot be filtered on");
        }
        return type;
    }

    /**
     * Checks every entry against the schema and returns the metadata with canonical value types (String, Long,
     * Double) in schema order; null values are dropped.
     */
    public Map<String, Object> canonical(Map<String, ?> metadata) {
        for (String name : metadata.keySet()) {
            type(name);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        fields.forEach((name, type) -> {
            Object value = metadata.get(name);
            if (value != null) {
                out.put(name, coerce(name, type, value));
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** A filter value of the field's type: a String for keywords, a Long or Double for numbers. */
    public Object coerce(String field, Object value) {
        return coerce(field, type(field), value);
    }

    /** Parses the text form of a value (as given in a URL query or on a command line) into the field's type. */
    public Object parse(String field, String text) {
        FieldType type = type(field);
        try {
            return switch (type) {
                case KEYWORD, TEXT -> coerce(field, type, text);
                case LONG -> Long.parseLong(text.trim());
                case DOUBLE -> coerce(field, type, Double.parseDouble(text.trim()));
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "metadata field '" + field + "' needs a " + type.name().toLowerCase(Locale.ROOT) + ", got '" + text + "'");
        }
    }

    /** A one-line text form kept by the stores, e.g. {@code uri:keyword,width:long}. */
    public String encode() {
        StringBuilder out = new StringBuilder();
        fields.forEach((name, type) -> {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(name).append(':').append(type.name().toLowerCase(Locale.ROOT));
        });
        return out.toString();
    }

    /** The inverse of {@link #encode()}. */
    public static MetadataSchema decode(String text) {
        Map<String, FieldType> fields = new LinkedHashMap<>();
        if (!text.isBlank()) {
            for (String entry : text.split(",")) {
                int colon = entry.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("bad metadata schema entry '" + entry + "' in '" + text + "'");
                }
                String typeName = entry.substring(colon + 1).toUpperCase(Locale.ROOT);
                try {
                    fields.put(entry.substring(0, colon), FieldType.valueOf(typeName));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("bad metadata type in '" + entry + "' of schema '" + text + "'");
                }
            }
        }
        return new MetadataSchema(fields);
    }

    private static Object coerce(String field, FieldType type, Object value) {
        switch (type) {
            case KEYWORD, TEXT -> {
                if (value instanceof String s) {
                    if (type == FieldType.KEYWORD && s.getBytes(StandardCharsets.UTF_8).length > MAX_KEYWORD_BYTES) {
                        throw new IllegalArgumentException(
                                "metadata field '" + field + "' is longer than " + MAX_KEYWORD_BYTES + " bytes");
                    }
                    return s;
                }
            }
            case LONG -> {
                if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    return ((Number) value).longValue();
                }
            }
            case DOUBLE -> {
                if (value instanceof Number n) {
                    double d = n.doubleValue();
                    if (!Double.isFinite(d)) {
                        throw new IllegalArgumentException("metadata field '" + field + "' must be finite, got " + d);
                    }
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("metadata field '" + field + "' needs a " + type.name().toLowerCase(Locale.ROOT)
                + ", got " + value.getClass().getSimpleName() + " '" + value + "'");
    }
}

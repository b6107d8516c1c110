package dev.imgsearch.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a source says about an image besides its bytes.
 *
 * @param caption  its caption ({@code captions.tsv}, a metadata file, a {@code .txt} sidecar or member, a column), or null
 * @param label    its class: a class-named folder, a WebDataset {@code cls} member, a label column; or null
 * @param metadata the source's other fields for it (metadata file columns, WebDataset {@code json}, Parquet columns),
 *                 sorted by name; values are what Jackson makes of JSON (String, Number, Boolean, List, Map); never null
 * @param member   where its bytes lie inside a container (a tar member's data), so that it can be read back with one
 *                 ranged read; null for whole files and Parquet rows
 */
public record ItemInfo(String caption, String label, Map<String, Object> metadata, ByteRange member) {

    public static final ItemInfo NONE = new ItemInfo(null, null, Map.of(), null);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public ItemInfo {
        metadata = metadata == null || metadata.isEmpty()
                ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    public static ItemInfo caption(String caption) {
        return new ItemInfo(caption, null, Map.of(), null);
    }

    /** The metadata as the JSON object the embeddings Parquet keeps, keys sorted; null when there is none. */
    public String metadataJson() {
        return metadata.isEmpty() ? null : json(metadata);
    }

    /** A JSON object, keys sorted, so the same fields always give the same text. */
    public static String json(Map<String, Object> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata values must be plain JSON values: " + e.getMessage(), e);
        }
    }
}

package dev.imgsearch.store;

import dev.imgsearch.record.EmbeddingRecord;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The unit of a vector store: an id, a vector and scalar metadata.
 *
 * @param id       unique key; upserting the same id replaces the record
 * @param vector   the embedding (stores keep it L2-normalised)
 * @param metadata field name to String, Long or Double; absent fields are simply missing (never null values)
 */
public record VectorRecord(String id, float[] vector, Map<String, Object> metadata) {

    /** Far above any derived id, far below what a Lucene term can hold. */
    public static final int MAX_ID_LENGTH = 1024;

    public VectorRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vector, "vector");
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("record ids must have 1 to " + MAX_ID_LENGTH + " characters, got "
                    + id.length());
        }
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * The record a store keeps for an embedded image: its fields as metadata, the caption, label and source offsets
     * (what serving reads a tar member back with) only when present.
     */
    public static VectorRecord of(EmbeddingRecord embedding) {
        return of(embedding, Map.of());
    }

    /** As {@link #of(EmbeddingRecord)}, plus fields the image's source carried (they must be in the store's schema). */
    public static VectorRecord of(EmbeddingRecord embedding, Map<String, ?> sourceFields) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(MetadataSchema.URI, embedding.uri());
        metadata.put(MetadataSchema.WIDTH, (long) embedding.width());
        metadata.put(MetadataSchema.HEIGHT, (long) embedding.height());
        metadata.put(MetadataSchema.SHA256, embedding.sha256());
        metadata.put(MetadataSchema.MODEL, embedding.model());
        if (embedding.caption() != null) {
            metadata.put(MetadataSchema.CAPTION, embedding.caption());
        }
        if (embedding.label() != null) {
            metadata.put(MetadataSchema.LABEL, embedding.label());
        }
        if (embedding.sourceOffset() != null) {
            metadata.put(MetadataSchema.SOURCE_OFFSET, embedding.sourceOffset());
            metadata.put(MetadataSchema.SOURCE_LENGTH, embedding.sourceLength());
        }
        sourceFields.forEach((name, value) -> {
            if (metadata.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("source field '" + name + "' clashes with an image field");
            }
        });
        return new VectorRecord(embedding.id(), embedding.embedding(), metadata);
    }

    /**
     * The batch as a store applies it: one record per id, the last one given, in the order the ids last appeared
     * (the contract of {@link VectorStore#upsert}).
     */
    public static Collection<VectorRecord> lastPerId(List<VectorRecord> batch) {
        Map<String, VectorRecord> lastById = new LinkedHashMap<>();
        for (VectorRecord record : batch) {
            lastById.remove(record.id());
            lastById.put(record.id(), record);
        }
        return lastById.values();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VectorRecord that
                && id.equals(that.id) && Arrays.equals(vector, that.vector) && metadata.equals(that.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(vector), metadata);
    }

    @Override
    public String toString() {
        return "VectorRecord[id=" + id + ", dimension=" + vector.length + ", metadata=" + metadata + "]";
    }
}

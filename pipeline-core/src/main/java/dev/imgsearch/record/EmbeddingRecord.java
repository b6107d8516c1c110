package dev.imgsearch.record;

import java.io.Serializable;
import java.util.Objects;

/**
 * One embedded image: a row of the embeddings Parquet output and the unit of a vector store; serializable, as a
 * sharded build shuffles records to the task that writes their shard.
 *
 * @param id        stable id derived from {@code uri} (see {@link RecordIds}), so re-runs never duplicate
 * @param uri       where the image came from (file:, s3a:, hf: ...)
 * @param width     original image width in pixels
 * @param height    original image height in pixels
 * @param sha256    hex SHA-256 of the image file's bytes
 * @param model     name of the model that produced {@code embedding}
 * @param embedding L2-normalised embedding
 * @param caption   caption carried by the source, or null
 */
public record EmbeddingRecord(
        String id, String uri, int width, int height, String sha256, String model, float[] embedding, String caption)
        implements Serializable {

    public EmbeddingRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(embedding, "embedding");
    }
}

package dev.imgsearch.record;

import java.io.Serializable;
import java.util.Objects;

/**
 * One embedded image: a row of the embeddings Parquet output and the unit of a vector store; serializable, as a
 * sharded build shuffles records to the task that writes their shard.
 *
 * @param id           stable id derived from {@code uri} (see {@link RecordIds}), so re-runs never duplicate
 * @param uri          where the image came from (file:, s3a:, hf: ...; a tar member is the tar's URI, '#', its name)
 * @param width        original image width in pixels
 * @param height       original image height in pixels
 * @param sha256       hex SHA-256 of the image file's bytes
 * @param model        name of the model that produced {@code embedding}
 * @param embedding    L2-normalised embedding
 * @param caption      caption carried by the source, or null
 * @param label        class label carried by the source (class folder, WebDataset {@code cls}, label column), or null
 * @param metadata     the source's other fields for the image as a JSON object, or null
 * @param sourceOffset where the image's bytes start inside the file of {@code uri} (a tar member), or null
 * @param sourceLength how many bytes they are there, or null
 */
public record EmbeddingRecord(
        String id, String uri, int width, int height, String sha256, String model, float[] embedding, String caption,
        String label, String metadata, Long sourceOffset, Long sourceLength) implements Serializable {

    public EmbeddingRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(embedding, "embedding");
        if ((sourceOffset == null) != (sourceLength == null)) {
            throw new IllegalArgumentException("a source offset needs a source length and back, for " + uri);
        }
    }

    /** A record of an image that is a whole file or a Parquet row, with nothing but maybe a caption from its source. */
    public EmbeddingRecord(String id, String uri, int width, int height, String sha256, String model, float[] embedding,
                           String caption) {
        this(id, uri, width, height, sha256, model, embedding, caption, null, null, null, null);
    }
}

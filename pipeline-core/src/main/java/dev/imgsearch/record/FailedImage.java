package dev.imgsearch.record;

import java.util.Objects;

/**
 * An input that produced no embedding, kept with the reason so nothing is silently lost.
 *
 * @param id     the same stable id the embedding row would have had
 * @param uri    where the input came from
 * @param stage  where it failed: read, decode or preprocess (a model failure fails the shard instead, to be retried)
 * @param reason a one-line, human-readable cause
 */
public record FailedImage(String id, String uri, String stage, String reason) {

    public FailedImage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reason, "reason");
    }
}

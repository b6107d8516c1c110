package dev.imgsearch.embed;

import dev.imgsearch.model.ModelIdentity;
import java.io.Serializable;
import java.util.Objects;

/**
 * What made a shard's rows, recorded in its commit marker: the model, the preprocessing, and the plan's shard size.
 * An output whose shards disagree on the first two mixes embeddings that cannot be compared; one whose shard size
 * differs from a new run's would see every committed shard replaced.
 *
 * @param model         the model's identity (name and content digest)
 * @param preprocessing the image preprocessing, as {@code ClipEmbedder} describes it
 * @param shardSize     items per shard of the plan the shard belongs to
 */
public record Provenance(ModelIdentity model, String preprocessing, int shardSize) implements Serializable {

    public Provenance {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(preprocessing, "preprocessing");
    }

    /** Whether rows made under both can share an output or a store: same model files, same preprocessing. */
    public boolean sameEmbeddingsAs(Provenance other) {
        return model.sameModelAs(other.model) && preprocessing.equals(other.preprocessing);
    }
}

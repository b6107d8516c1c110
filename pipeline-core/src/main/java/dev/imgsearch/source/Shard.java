package dev.imgsearch.source;

import java.io.Serializable;

/**
 * A unit of work planned on the driver and opened on an executor: small, serializable, and carrying
 * everything needed to read it again (no re-listing on executors).
 */
public interface Shard extends Serializable {

    /** What {@link #itemCount()} answers when only reading the shard tells (a tar file). */
    long UNKNOWN_COUNT = -1;

    /**
     * Stable, filename-safe name such as {@code 00042-3f9a0c1d} or {@code default-train-0000.rg0-3.3f9a0c1d}.
     * It ends with a fingerprint of the shard's content (file names, sizes, versions), so a re-run over
     * changed input never mistakes a new shard for one it already committed.
     */
    String id();

    /** How many items opening this shard yields, or {@link #UNKNOWN_COUNT}. */
    long itemCount();
}

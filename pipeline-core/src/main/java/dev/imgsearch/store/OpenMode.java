package dev.imgsearch.store;

/** What a caller means to do with a store it opens, and so what opening may do to it. */
public enum OpenMode {
    /**
     * Search only. The store must exist; opening creates, locks and changes nothing, so it may run beside a writer
     * (a build into a served index), and every write through it throws {@link IllegalStateException}.
     */
    READ_ONLY,
    /** Read and write a store that must already exist (a writer joining a build that created it). */
    WRITE_EXISTING,
    /** Read and write, creating an empty store first when there is none (a build). */
    CREATE_OR_WRITE;

    /** Whether a store opened this way accepts writes. */
    public boolean writes() {
        return this != READ_ONLY;
    }
}

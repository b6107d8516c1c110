package dev.imgsearch.store;

/**
 * The store is not ready to answer yet (a remote store still being copied into the local cache); a later call may
 * succeed. Its message says what is under way and names no internal path, so that a server may show it to clients.
 */
public final class StoreNotReadyException extends StoreException {

    public StoreNotReadyException(String message) {
        super(message);
    }
}

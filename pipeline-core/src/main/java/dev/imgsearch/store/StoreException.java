package dev.imgsearch.store;

/** A vector store could not do its job for a reason outside the caller's arguments: I/O, corruption, a server down. */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.imgsearch.store.chroma.client;

/** A Chroma request failed: the server refused it, or could not be reached within the retry policy. */
public final class ChromaException extends RuntimeException {

    private final int statusCode;

    ChromaException(int statusCode, String message, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
    }

    /** The HTTP status of the last answer, or 0 when the server never answered. */
    public int statusCode() {
        return statusCode;
    }
}

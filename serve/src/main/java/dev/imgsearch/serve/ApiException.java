package dev.imgsearch.serve;

/**
 * A request that cannot be answered, with the HTTP status and the one-line message the client sees, and for a limit
 * the client may retry later (429, 503), how many seconds to wait ({@code Retry-After}).
 */
final class ApiException extends RuntimeException {

    private final int status;
    private final long retryAfterSeconds;

    ApiException(int status, String message) {
        this(status, message, 0);
    }

    /** @param retryAfterSeconds sent as {@code Retry-After} when positive */
    ApiException(int status, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int status() {
        return status;
    }

    /** Seconds the client should wait before retrying; 0 when retrying will not help. */
    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    /** A 503 for a server-side limit the request ran into: not the client's fault, worth retrying shortly. */
    static ApiException busy(String message) {
        return new ApiException(503, message, 1);
    }
}

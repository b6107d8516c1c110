package dev.imgsearch.decode;

/** An input that could not be decoded into pixels; the message is a one-line reason fit for a failure report. */
public final class ImageDecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    public ImageDecodeException(String reason) {
        super(reason);
    }

    public ImageDecodeException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

package dev.imgsearch.model;

import java.io.IOException;

/** A model could not be fetched because its server cannot be reached; the message is one line saying what to do. */
public final class ModelUnavailableException extends IOException {

    public ModelUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

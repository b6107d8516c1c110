package dev.imgsearch.source;

import dev.imgsearch.common.OneLine;

/** The one-line reasons of error rows for inputs that could not be read. */
public final class ReadErrors {

    private ReadErrors() {
    }

    /** The failure's type and message: a bare path says less than "NoSuchFileException: path". */
    public static String describe(Exception e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + OneLine.of(e);
        return e.getClass().getSimpleName() + message;
    }

    public static String tooLarge(long size, long limit) {
        return "file too large: " + size + " bytes (limit " + limit + ")";
    }
}

package dev.imgsearch.serve;

/** How search results show where a local image file is: the server's own folders are nobody else's business. */
public enum LocalPaths {
    /** Relative to the image root it lies under, and only its file name when it lies under none. */
    RELATIVE,
    /** The record's {@code file:} URI as indexed, absolute path included ({@code serve --expose-paths}). */
    ABSOLUTE
}

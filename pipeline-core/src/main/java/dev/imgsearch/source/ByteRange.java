package dev.imgsearch.source;

import java.io.Serializable;

/** A run of bytes inside a file: where a tar member's data starts and how long it is. */
public record ByteRange(long offset, long length) implements Serializable {

    public ByteRange {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad byte range " + offset + "+" + length);
        }
    }
}

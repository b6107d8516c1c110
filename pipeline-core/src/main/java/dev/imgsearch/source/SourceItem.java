package dev.imgsearch.source;

import java.util.Objects;

/**
 * One input image as a source delivers it, before decoding.
 *
 * @param uri       stable, unique location of the image; record ids are derived from it
 * @param bytes     the encoded image (possibly empty), or null when it could not be read
 * @param readError one-line reason when {@code bytes} is null, otherwise null
 * @param info      what the source says about the image besides its bytes; never null
 */
public record SourceItem(String uri, byte[] bytes, String readError, ItemInfo info) {

    public SourceItem {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(info, "info");
        if ((bytes == null) == (readError == null)) {
            throw new IllegalArgumentException("exactly one of bytes and readError must be set for " + uri);
        }
    }

    public static SourceItem read(String uri, byte[] bytes, ItemInfo info) {
        return new SourceItem(uri, Objects.requireNonNull(bytes, "bytes"), null, info);
    }

    public static SourceItem unreadable(String uri, String readError, ItemInfo info) {
        return new SourceItem(uri, null, Objects.requireNonNull(readError, "readError"), info);
    }

    public String caption() {
        return info.caption();
    }
}

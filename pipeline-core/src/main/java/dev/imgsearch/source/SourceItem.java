package dev.imgsearch.source;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One input image as a source delivers it, before decoding.
 *
 * @param uri       stable, unique location of the image; record ids are derived from it
 * @param bytes     the encoded image (possibly empty), or null when it could not be read
 * @param readError one-line reason when {@code bytes} is null, otherwise null
 * @param caption   caption carried by the source, or null
 * @param fields    other columns of the source row (e.g. {@code label}) as text, sorted by name; never null
 */
public record SourceItem(String uri, byte[] bytes, String readError, String caption, Map<String, String> fields) {

    public SourceItem {
        Objects.requireNonNull(uri, "uri");
        if ((bytes == null) == (readError == null)) {
            throw new IllegalArgumentException("exactly one of bytes and readError must be set for " + uri);
        }
        fields = fields == null || fields.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(fields));
    }

    public static SourceItem read(String uri, byte[] bytes, String caption, Map<String, String> fields) {
        return new SourceItem(uri, Objects.requireNonNull(bytes, "bytes"), null, caption, fields);
    }

    public static SourceItem unreadable(String uri, String readError, String caption, Map<String, String> fields) {
        return new SourceItem(uri, null, Objects.requireNonNull(readError, "readError"), caption, fields);
    }
}

package dev.imgsearch.serve;

import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.SearchHit;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The source {@code uri} a search result shows. Local files are shown as {@link LocalPaths} says, by default without
 * the server's absolute paths; other sources ({@code s3a:}, {@code http(s):}, {@code hf:}) as indexed. Only what
 * leaves the server changes: filters and image serving still use the indexed URI.
 */
final class ResultUris {

    /** RFC 3986's scheme, checked on the text so that a URI java.net.URI refuses is still told apart from a path. */
    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):");

    private final ImageRoots roots;
    private final LocalPaths paths;

    ResultUris(ImageRoots roots, LocalPaths paths) {
        this.roots = roots;
        this.paths = paths;
    }

    SearchHit shown(SearchHit hit) {
        Object uri = hit.metadata().get(MetadataSchema.URI);
        if (paths == LocalPaths.ABSOLUTE || !(uri instanceof String indexed)) {
            return hit;
        }
        String shown = shown(indexed);
        if (shown.equals(indexed)) {
            return hit;
        }
        Map<String, Object> metadata = new LinkedHashMap<>(hit.metadata());
        metadata.put(MetadataSchema.URI, shown);
        return new SearchHit(hit.id(), hit.score(), metadata);
    }

    private String shown(String uri) {
        Matcher scheme = SCHEME.matcher(uri);
        if (scheme.lookingAt() && !scheme.group(1).equalsIgnoreCase("file")) {
            return uri;
        }
        return roots.relative(uri).orElseGet(() -> fileName(decodedPath(uri)));
    }

    private static String decodedPath(String uri) {
        try {
            String path = new URI(uri).getPath();
            return path == null ? uri : path;
        } catch (URISyntaxException e) {
            return uri;
        }
    }

    /** The last segment of a path: all that is shown of a file outside every image root. */
    private static String fileName(String path) {
        String slashes = path.replace('\\', '/');
        return slashes.substring(slashes.lastIndexOf('/') + 1);
    }
}

package dev.imgsearch.serve;

import dev.imgsearch.common.OneLine;
import dev.imgsearch.source.ByteRange;
import dev.imgsearch.source.ImageFetcher;
import dev.imgsearch.source.ItemLocation;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads the original bytes of an indexed image from what its record says: the sources' own reader
 * ({@link ImageFetcher}) for {@code file:} (only under the image roots), {@code s3a:} and {@code hf:} URIs, whole
 * files, Parquet rows and tar members alike; and plain {@code http(s):} URLs.
 */
final class OriginalImages {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(15);

    private final ImageRoots roots;
    private final long maxBytes;
    private final ImageFetcher fetcher;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(HTTP_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    OriginalImages(ImageRoots roots, long maxBytes, ImageFetcher fetcher) {
        this.roots = roots;
        this.maxBytes = maxBytes;
        this.fetcher = fetcher;
    }

    /** @param member a tar member's recorded offset and length, or null */
    byte[] read(String uri, ByteRange member) {
        ItemLocation location;
        try {
            location = ItemLocation.of(uri, member);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        }
        String scheme = scheme(location.file());
        try {
            return switch (scheme) {
                case "file" -> {
                    roots.resolve(location.file());
                    yield fetch(location);
                }
                case "s3a", "hf" -> fetch(location);
                case "http", "https" -> readHttp(uri);
                default -> throw ApiException.notFound("images whose source is '" + uri
                        + "' cannot be served (supported: file under --image-root, s3a, hf, http, https)");
            };
        } catch (IOException e) {
            throw new ApiException(502, "could not read the image source: " + OneLine.of(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while reading the image source");
        }
    }

    private byte[] fetch(ItemLocation location) throws IOException {
        try {
            return fetcher.fetch(location, maxBytes);
        } catch (ImageFetcher.TooLargeException e) {
            throw new ApiException(413, "the image of this record is larger than the " + maxBytes
                    + "-byte serving limit");
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw ApiException.notFound("the image source of this record no longer exists");
        }
    }

    private byte[] readHttp(String uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).timeout(HTTP_TIMEOUT).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() == 404 || response.statusCode() == 410) {
                throw ApiException.notFound("the image URL of this record answers " + response.statusCode());
            }
            if (response.statusCode() != 200) {
                throw new ApiException(502, "the image URL of this record answers " + response.statusCode());
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new ApiException(413, "the image of this record is larger than the " + maxBytes
                        + "-byte serving limit");
            }
            return bytes;
        }
    }

    private static String scheme(String uri) {
        try {
            String scheme = new URI(uri).getScheme();
            return scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            if (uri.startsWith("hf://") || uri.startsWith("s3a://")) {
                return uri.substring(0, uri.indexOf(':'));
            }
            throw ApiException.notFound("the image source of this record is not a valid URI");
        }
    }
}

package dev.imgsearch.serve;

import dev.imgsearch.common.OneLine;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Reads the original bytes of an indexed image from the URI its record carries: {@code file:} (only under the image
 * roots), {@code s3a:} through Hadoop's FileSystem (configured as Spark jobs are: core-site.xml, environment) and
 * {@code http(s):}.
 */
final class OriginalImages {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(15);

    private final ImageRoots roots;
    private final long maxBytes;
    private final Configuration hadoopConf = new Configuration();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(HTTP_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    OriginalImages(ImageRoots roots, long maxBytes, Map<String, String> hadoopSettings) {
        this.roots = roots;
        this.maxBytes = maxBytes;
        hadoopSettings.forEach(hadoopConf::set);
    }

    byte[] read(String uri) {
        String scheme = scheme(uri);
        try {
            return switch (scheme) {
                case "file" -> readFile(roots.resolve(uri));
                case "s3a" -> readHadoop(uri);
                case "http", "https" -> readHttp(uri);
                default -> throw ApiException.notFound("images whose source is '" + uri
                        + "' cannot be served (supported: file under --image-root, s3a, http, https)");
            };
        } catch (IOException e) {
            throw new ApiException(502, "could not read the image source: " + OneLine.of(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while reading the image source");
        }
    }

    private byte[] readFile(Path real) throws IOException {
        try (InputStream in = Channels.newInputStream(
                Files.newByteChannel(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            return capped(in);
        }
    }

    private byte[] readHadoop(String uri) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs = path.getFileSystem(hadoopConf);
        try (InputStream in = fs.open(path)) {
            return capped(in);
        } catch (FileNotFoundException e) {
            throw ApiException.notFound("the image object of this record no longer exists");
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
            return capped(in);
        }
    }

    private byte[] capped(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new ApiException(413, "the image of this record is larger than the " + maxBytes + "-byte serving limit");
        }
        return bytes;
    }

    private static String scheme(String uri) {
        try {
            String scheme = new URI(uri).getScheme();
            return scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            throw ApiException.notFound("the image source of this record is not a valid URI");
        }
    }
}

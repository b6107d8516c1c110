package dev.imgsearch.model;

import dev.imgsearch.common.OneLine;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Copies one remote file (http/https, or any Hadoop file system such as s3a) to a local file and checks it.
 *
 * <p>With an expected SHA-256 the bytes must match it. Without one (only the default model's public artifacts,
 * which have no published SHA-256) the bytes are checked against the digest the server declares in its ETag, when
 * the ETag is one: an MD5 (S3/CloudFront for single-part uploads), a SHA-1 or git blob SHA-1 (Hugging Face for
 * files kept in git), or a SHA-256 (Hugging Face LFS). A mismatch deletes the file and fails.
 */
final class ArtifactDownloader {

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactDownloader.class);
    private static final String OFFLINE_HINT = "pass --model DIR|ZIP|URL to use a model this machine can reach";

    /** One client per JVM, made on the first HTTP download (each client owns a selector thread). */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    private final Supplier<Configuration> hadoop;

    ArtifactDownloader(Supplier<Configuration> hadoop) {
        this.hadoop = hadoop;
    }

    /** Downloads {@code uri} to {@code target} and returns the SHA-256 of what was written. */
    String download(URI uri, String expectedSha256, Path target) throws IOException {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        LOG.info("downloading {}", uri);
        String sha256 = scheme.equals("http") || scheme.equals("https")
                ? fromHttp(uri, expectedSha256, target)
                : fromHadoop(uri, target);
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha256)) {
            Files.deleteIfExists(target);
            throw new IOException("sha256 mismatch for " + uri + ": expected " + expectedSha256.toLowerCase(Locale.ROOT)
                    + " but downloaded " + sha256 + "; the download was discarded");
        }
        LOG.info("downloaded {} ({} bytes, sha256 {})", uri, Files.size(target), sha256);
        return sha256;
    }

    /** Length and modification time of a Hadoop file: a version tag that changes when the file is replaced. */
    String hadoopVersion(URI uri) throws IOException {
        FileStatus status = fileSystem(uri).getFileStatus(new org.apache.hadoop.fs.Path(uri));
        return status.getLen() + "@" + status.getModificationTime();
    }

    private String fromHttp(URI uri, String expectedSha256, Path target) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).header("User-Agent", "imgsearch").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException | HttpConnectTimeoutException | UnknownHostException | NoRouteToHostException e) {
            throw new ModelUnavailableException("cannot reach " + uri + " (" + reason(e) + "); " + OFFLINE_HINT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading " + uri);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " for " + uri);
            }
            String sha256 = copy(body, target);
            if (expectedSha256 == null) {
                checkServerDigest(uri, response.headers(), target, sha256);
            }
            return sha256;
        } catch (IOException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    /** Java's HttpClient hides the cause in nested exceptions, often without messages. */
    private static String reason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "host not found";
            }
        }
        return OneLine.of(e);
    }

    private static void checkServerDigest(URI uri, HttpHeaders headers, Path file, String sha256) throws IOException {
        String etag = headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag")).orElse("")
                .replaceFirst("^W/", "").replace("\"", "").toLowerCase(Locale.ROOT);
        boolean matches;
        String kind;
        if (etag.matches("[0-9a-f]{64}")) {
            kind = "sha256";
            matches = etag.equals(sha256);
        } else if (etag.matches("[0-9a-f]{40}")) {
            kind = "sha1 or git blob sha1";
            matches = etag.equals(digest(file, "SHA-1", null)) || etag.equals(digest(file, "SHA-1", gitBlobHeader(file)));
        } else if (etag.matches("[0-9a-f]{32}")) {
            kind = "md5";
            matches = etag.equals(digest(file, "MD5", null));
        } else {
            LOG.warn("{} has no pinned sha256 and its server declares no digest; downloaded sha256 is {}", uri, sha256);
            return;
        }
        if (!matches) {
            throw new IOException("download of " + uri + " does not match the " + kind + " in the server's ETag "
                    + etag + "; the download was discarded");
        }
        LOG.info("{} matches the {} its server declares", uri, kind);
    }

    private static byte[] gitBlobHeader(Path file) throws IOException {
        return ("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        MessageDigest digest = messageDigest(algorithm);
        if (prefix != null) {
            digest.update(prefix);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private String fromHadoop(URI uri, Path target) throws IOException {
        try (InputStream in = fileSystem(uri).open(new org.apache.hadoop.fs.Path(uri))) {
            return copy(in, target);
        } catch (IOException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    private FileSystem fileSystem(URI uri) throws IOException {
        try {
            // Not closed: FileSystem.get returns a JVM-wide cached instance that other code may share.
            return FileSystem.get(uri, hadoop.get());
        } catch (UnsupportedFileSystemException e) {
            throw new IOException("no Hadoop file system for " + uri.getScheme() + "://: put its connector on the"
                    + " classpath (hadoop-aws for s3a)", e);
        }
    }

    private static String copy(InputStream in, Path target) throws IOException {
        MessageDigest sha256 = messageDigest("SHA-256");
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha256)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    static MessageDigest messageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has " + algorithm, e);
        }
    }
}

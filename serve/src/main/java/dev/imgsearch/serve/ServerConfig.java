package dev.imgsearch.serve;

import dev.imgsearch.store.SearchRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the search service runs.
 *
 * @param host           address to listen on
 * @param port           port to listen on; 0 picks a free one
 * @param imageRoots     folders local images may be served from; empty serves no local files
 * @param apiKey         bearer key the API requires, or null for an open API
 * @param corsOrigins    origins allowed to call the API from a browser ({@code *} for any); empty allows none
 * @param rateLimit      requests per second per client on the API; 0 for no limit
 * @param maxUploadBytes largest image a client may upload
 * @param maxK           most results a single page may ask for
 * @param hadoopConf     Hadoop settings for reading {@code s3a:} images (e.g. {@code fs.s3a.endpoint}), over the
 *                       defaults and any core-site.xml on the class path
 * @param trustedProxies addresses of reverse proxies (a load balancer such as SkyServe's) whose
 *                       {@code X-Forwarded-For} names the client; from any other address the header is ignored
 * @param indexName      the name clip-retrieval's clients know the store by ({@code indice_name})
 * @param imageUrls      whether queries may name an image by URL for the server to fetch
 */
public record ServerConfig(
        String host, int port, List<Path> imageRoots, String apiKey, List<String> corsOrigins,
        double rateLimit, long maxUploadBytes, int maxK, Map<String, String> hadoopConf, Set<String> trustedProxies,
        String indexName, ImageUrlPolicy imageUrls) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 16L * 1024 * 1024;
    public static final int DEFAULT_MAX_K = 100;
    public static final String DEFAULT_INDEX_NAME = "images";

    private static final Pattern INDEX_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public ServerConfig {
        imageRoots = List.copyOf(imageRoots);
        corsOrigins = List.copyOf(corsOrigins);
        hadoopConf = Map.copyOf(hadoopConf);
        trustedProxies = Set.copyOf(trustedProxies);
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (apiKey != null && apiKey.isBlank()) {
            apiKey = null;
        }
        if (!(rateLimit >= 0) || Double.isInfinite(rateLimit)) {
            throw new IllegalArgumentException("rate limit must be 0 (off) or a positive number, got " + rateLimit);
        }
        if (maxUploadBytes < 1024 || maxUploadBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("max upload bytes must be between 1024 and 2 GiB, got " + maxUploadBytes);
        }
        if (maxK < 1 || maxK >= SearchRequest.MAX_K) {
            throw new IllegalArgumentException("max k must be between 1 and " + (SearchRequest.MAX_K - 1) + ", got " + maxK);
        }
        if (indexName == null || !INDEX_NAME.matcher(indexName).matches()) {
            throw new IllegalArgumentException("index name must be 1 to 64 letters, digits, '.', '_' or '-', got '"
                    + indexName + "'");
        }
        if (imageUrls == null) {
            throw new IllegalArgumentException("the image URL policy must be given");
        }
    }

    /** Loopback on a free port, no key, no CORS, no rate limit, no image URLs, default limits: for tests and local use. */
    public static ServerConfig local(List<Path> imageRoots) {
        return new ServerConfig(DEFAULT_HOST, 0, imageRoots, null, List.of(), 0, DEFAULT_MAX_UPLOAD_BYTES,
                DEFAULT_MAX_K, Map.of(), Set.of(), DEFAULT_INDEX_NAME, ImageUrlPolicy.OFF);
    }

    public ServerConfig withApiKey(String key) {
        return new ServerConfig(host, port, imageRoots, key, corsOrigins, rateLimit, maxUploadBytes, maxK,
                hadoopConf, trustedProxies, indexName, imageUrls);
    }

    public ServerConfig withCorsOrigins(List<String> origins) {
        return new ServerConfig(host, port, imageRoots, apiKey, origins, rateLimit, maxUploadBytes, maxK, hadoopConf,
                trustedProxies, indexName, imageUrls);
    }

    public ServerConfig withRateLimit(double perSecond) {
        return new ServerConfig(host, port, imageRoots, apiKey, corsOrigins, perSecond, maxUploadBytes, maxK,
                hadoopConf, trustedProxies, indexName, imageUrls);
    }

    public ServerConfig withMaxUploadBytes(long bytes) {
        return new ServerConfig(host, port, imageRoots, apiKey, corsOrigins, rateLimit, bytes, maxK, hadoopConf,
                trustedProxies, indexName, imageUrls);
    }

    public ServerConfig withTrustedProxies(Set<String> proxies) {
        return new ServerConfig(host, port, imageRoots, apiKey, corsOrigins, rateLimit, maxUploadBytes, maxK,
                hadoopConf, proxies, indexName, imageUrls);
    }

    public ServerConfig withHadoopConf(Map<String, String> conf) {
        return new ServerConfig(host, port, imageRoots, apiKey, corsOrigins, rateLimit, maxUploadBytes, maxK, conf,
                trustedProxies, indexName, imageUrls);
    }

    public ServerConfig withMaxK(int k) {
        return new ServerConfig(host, port, imageRoots, apiKey, corsOrigins, rateLimit, maxUploadBytes, k,
                hadoopConf, trustedProxies, indexName, imageUrls);
    }

    public ServerConfig withIndexName(String name) {
        return new ServerConfig(host, port, imageRoots, apiKey, corsOrigins, rateLimit, maxUploadBytes, maxK,
                hadoopConf, trustedProxies, name, imageUrls);
    }

    public ServerConfig withImageUrls(ImageUrlPolicy policy) {
        return new ServerConfig(host, port, imageRoots, apiKey, corsOrigins, rateLimit, maxUploadBytes, maxK,
                hadoopConf, trustedProxies, indexName, policy);
    }
}

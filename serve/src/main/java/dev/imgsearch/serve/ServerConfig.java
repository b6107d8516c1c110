package dev.imgsearch.serve;

import dev.imgsearch.serve.jetty.ConnectionLimits;
import dev.imgsearch.store.SearchRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the search service runs. Made with {@link #builder()}; every setting is checked when the config is built, so a
 * bad one fails before a server starts.
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
 * @param localPaths     how results show the source of local image files: by default relative to their image root
 * @param connections    threads, timeouts and the minimum body rate that keep slow clients from holding the server
 * @param work           how much decode and embed work runs and waits at once, and the memory its images may take
 * @param readinessCacheTtl how long {@code /ready} reuses its check of the store; 0 checks on every probe
 * @param indexName      the name clip-retrieval's clients know the store by ({@code indice_name})
 * @param imageUrls      whether queries may name an image by URL for the server to fetch
 */
public record ServerConfig(
        String host, int port, List<Path> imageRoots, String apiKey, List<String> corsOrigins,
        double rateLimit, long maxUploadBytes, int maxK, Map<String, String> hadoopConf, Set<String> trustedProxies,
        LocalPaths localPaths, ConnectionLimits connections, WorkLimits work, Duration readinessCacheTtl,
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
        Objects.requireNonNull(localPaths, "localPaths");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(work, "work");
        if (readinessCacheTtl == null || readinessCacheTtl.isNegative() || readinessCacheTtl.toMinutes() >= 1) {
            throw new IllegalArgumentException("the readiness cache TTL must be between 0 and 1 minute, got "
                    + readinessCacheTtl);
        }
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
        Objects.requireNonNull(imageUrls, "imageUrls");
    }

    /** The defaults: {@value #DEFAULT_HOST}:{@value #DEFAULT_PORT}, no image roots, no key, no CORS, no rate limit, no image URLs. */
    public static Builder builder() {
        return new Builder();
    }

    /** Loopback on a free port, local images served from {@code imageRoots}, defaults otherwise: for tests and local use. */
    public static ServerConfig local(List<Path> imageRoots) {
        return builder().port(0).imageRoots(imageRoots).build();
    }

    /** A builder holding this config's settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder().host(host).port(port).imageRoots(imageRoots).apiKey(apiKey).corsOrigins(corsOrigins)
                .rateLimit(rateLimit).maxUploadBytes(maxUploadBytes).maxK(maxK).hadoopConf(hadoopConf)
                .trustedProxies(trustedProxies).localPaths(localPaths).maxThreads(connections.maxThreads())
                .idleTimeout(connections.idleTimeout()).headerTimeout(connections.headerTimeout())
                .minBodyRate(connections.minBodyRate()).workers(work.workers()).workQueue(work.queue())
                .decodeMemoryBytes(work.memoryBytes()).readinessCacheTtl(readinessCacheTtl).indexName(indexName)
                .imageUrls(imageUrls);
    }

    /** Collects settings; {@link #build()} checks them all at once. */
    public static final class Builder {

        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private List<Path> imageRoots = List.of();
        private String apiKey;
        private List<String> corsOrigins = List.of();
        private double rateLimit;
        private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
        private int maxK = DEFAULT_MAX_K;
        private Map<String, String> hadoopConf = Map.of();
        private Set<String> trustedProxies = Set.of();
        private LocalPaths localPaths = LocalPaths.RELATIVE;
        private int maxThreads = ConnectionLimits.DEFAULT_MAX_THREADS;
        private Duration idleTimeout = ConnectionLimits.DEFAULT_IDLE_TIMEOUT;
        private Duration headerTimeout = ConnectionLimits.DEFAULT_HEADER_TIMEOUT;
        private long minBodyRate = ConnectionLimits.DEFAULT_MIN_BODY_RATE;
        private int workers;
        private int workQueue;
        private long decodeMemoryBytes;
        private Duration readinessCacheTtl = Readiness.DEFAULT_CACHE_TTL;
        private String indexName = DEFAULT_INDEX_NAME;
        private ImageUrlPolicy imageUrls = ImageUrlPolicy.OFF;

        private Builder() {
            WorkLimits machine = WorkLimits.forThisMachine();
            workers = machine.workers();
            workQueue = machine.queue();
            decodeMemoryBytes = machine.memoryBytes();
        }

        public Builder host(String address) {
            this.host = address;
            return this;
        }

        public Builder port(int number) {
            this.port = number;
            return this;
        }

        public Builder imageRoots(List<Path> folders) {
            this.imageRoots = folders;
            return this;
        }

        /** Null or blank for an open API. */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        public Builder corsOrigins(List<String> origins) {
            this.corsOrigins = origins;
            return this;
        }

        public Builder rateLimit(double perSecond) {
            this.rateLimit = perSecond;
            return this;
        }

        public Builder maxUploadBytes(long bytes) {
            this.maxUploadBytes = bytes;
            return this;
        }

        public Builder maxK(int k) {
            this.maxK = k;
            return this;
        }

        public Builder hadoopConf(Map<String, String> conf) {
            this.hadoopConf = conf;
            return this;
        }

        public Builder trustedProxies(Set<String> proxies) {
            this.trustedProxies = proxies;
            return this;
        }

        public Builder localPaths(LocalPaths shown) {
            this.localPaths = shown;
            return this;
        }

        public Builder maxThreads(int threads) {
            this.maxThreads = threads;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public Builder headerTimeout(Duration timeout) {
            this.headerTimeout = timeout;
            return this;
        }

        /** Bytes per second; 0 for no minimum. */
        public Builder minBodyRate(long bytesPerSecond) {
            this.minBodyRate = bytesPerSecond;
            return this;
        }

        /** Decode and embed work run at once; default one per core. */
        public Builder workers(int count) {
            this.workers = count;
            return this;
        }

        /** Decode and embed work that may wait for a worker; default as {@link WorkLimits#forThisMachine}. */
        public Builder workQueue(int waiting) {
            this.workQueue = waiting;
            return this;
        }

        /** Memory the images being decoded at once may take; default half the heap. */
        public Builder decodeMemoryBytes(long bytes) {
            this.decodeMemoryBytes = bytes;
            return this;
        }

        /** How long {@code /ready} reuses its check of the store; default {@link Readiness#DEFAULT_CACHE_TTL}. */
        public Builder readinessCacheTtl(Duration ttl) {
            this.readinessCacheTtl = ttl;
            return this;
        }

        /** The name clip-retrieval's clients know the store by; default {@value #DEFAULT_INDEX_NAME}. */
        public Builder indexName(String name) {
            this.indexName = name;
            return this;
        }

        /** Whether queries may name an image by URL; default {@link ImageUrlPolicy#OFF}. */
        public Builder imageUrls(ImageUrlPolicy policy) {
            this.imageUrls = policy;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public ServerConfig build() {
            return new ServerConfig(host, port, imageRoots, apiKey, corsOrigins, rateLimit, maxUploadBytes, maxK,
                    hadoopConf, trustedProxies, localPaths,
                    new ConnectionLimits(maxThreads, idleTimeout, headerTimeout, minBodyRate),
                    new WorkLimits(workers, workQueue, decodeMemoryBytes), readinessCacheTtl, indexName, imageUrls);
        }
    }
}

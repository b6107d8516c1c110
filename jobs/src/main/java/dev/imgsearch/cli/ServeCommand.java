package dev.imgsearch.cli;

import dev.imgsearch.model.ClipModel;
import dev.imgsearch.model.ModelLocation;
import dev.imgsearch.model.SharedModels;
import dev.imgsearch.serve.ImageUrlPolicy;
import dev.imgsearch.serve.LocalPaths;
import dev.imgsearch.serve.SearchServer;
import dev.imgsearch.serve.ServerConfig;
import dev.imgsearch.serve.WorkLimits;
import dev.imgsearch.serve.jetty.ConnectionLimits;
import dev.imgsearch.store.ModelMismatchException;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.VectorStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code imgsearch serve}: the search API and web page over a vector store. Listens at once (liveness), loads the
 * model in the background (readiness follows), and runs until the process is stopped (SIGTERM, Ctrl-C) or the thread
 * running it is interrupted.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the search API, the web page, health, readiness and metrics over a vector store.",
            "API description: GET /openapi.json on the running server."})
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Mixin
    ModelOption model;

    @Mixin
    OtherModelOption otherModel;

    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST, paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--image-root", paramLabel = "DIR",
            description = "Folder whose images may be served (repeatable); file: images elsewhere are refused.")
    List<Path> imageRoots = new ArrayList<>();

    @Option(names = "--expose-paths",
            description = {"Show local images in results by their absolute file: URI. By default a result shows the path",
                "under its --image-root (outside every root, the file name alone): the server's folders stay private."})
    boolean exposePaths;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:IMGSEARCH_API_KEY}",
            description = "Bearer key required on /api and /search (default: $IMGSEARCH_API_KEY; none: open API).")
    String apiKey;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "Origin allowed to call the API from a browser (repeatable; * for any). Default: none.")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--rate-limit", defaultValue = "0", paramLabel = "PER_SECOND",
            description = "Requests per second per client address on the API, as a token bucket; 0: no limit.")
    double rateLimit;

    @Option(names = "--trusted-proxy", paramLabel = "ADDRESS",
            description = {"Address of a reverse proxy or load balancer in front of the server (repeatable): for its "
                + "requests the client is taken from X-Forwarded-For, so the rate limit and the access log see "
                + "real clients. From any other address the header is ignored, so clients cannot spoof it."})
    Set<String> trustedProxies = new LinkedHashSet<>();

    @Option(names = "--max-upload-bytes", defaultValue = "" + ServerConfig.DEFAULT_MAX_UPLOAD_BYTES, paramLabel = "BYTES",
            description = "Largest image upload accepted (default: ${DEFAULT-VALUE}).")
    long maxUploadBytes;

    @Option(names = "--max-k", defaultValue = "" + ServerConfig.DEFAULT_MAX_K, paramLabel = "K",
            description = "Most results one page may ask for (default: ${DEFAULT-VALUE}).")
    int maxK;

    @Option(names = "--index-name", defaultValue = ServerConfig.DEFAULT_INDEX_NAME, paramLabel = "NAME",
            description = "The name clip-retrieval clients give as indice_name (default: ${DEFAULT-VALUE}).")
    String indexName;

    @Option(names = "--allow-image-urls",
            description = {"Let queries name an image by URL (clip-retrieval's image_url), which the server then fetches:",
                "http(s) only, public addresses only, at most --max-upload-bytes, 10 s. Off by default (SSRF)."})
    boolean allowImageUrls;

    @Option(names = "--allow-private-image-urls",
            description = "As --allow-image-urls, and to loopback and private addresses too: for trusted clients only.")
    boolean allowPrivateImageUrls;

    @Option(names = "--max-threads", defaultValue = "" + ConnectionLimits.DEFAULT_MAX_THREADS, paramLabel = "N",
            description = {"Request threads (default: ${DEFAULT-VALUE}). At most half of them receive request bodies at "
                + "once; over that, uploads get 503, so health probes and searches always find a thread."})
    int maxThreads;

    @Option(names = "--idle-timeout", defaultValue = "" + ConnectionLimits.DEFAULT_IDLE_TIMEOUT_SECONDS,
            paramLabel = "SECONDS",
            description = "Seconds a connection, or a request body, may stay silent before it is closed (default: "
                + "${DEFAULT-VALUE}).")
    long idleTimeoutSeconds;

    @Option(names = "--header-timeout", defaultValue = "" + ConnectionLimits.DEFAULT_HEADER_TIMEOUT_SECONDS,
            paramLabel = "SECONDS",
            description = "Seconds a request's headers may take to arrive once begun (default: ${DEFAULT-VALUE}).")
    long headerTimeoutSeconds;

    @Option(names = "--min-body-rate", defaultValue = "" + ConnectionLimits.DEFAULT_MIN_BODY_RATE,
            paramLabel = "BYTES_PER_SECOND",
            description = "Slowest a request body may arrive, averaged since its first byte; slower ones get 408 "
                + "(default: ${DEFAULT-VALUE}; 0: no minimum).")
    long minBodyRate;

    @Option(names = "--workers", paramLabel = "N",
            description = "Decode and embed work run at once, for all requests together (default: one per core).")
    Integer workers;

    @Option(names = "--work-queue", paramLabel = "N",
            description = {"Requests that may wait for a decode and embed worker (default: "
                + WorkLimits.DEFAULT_QUEUE_PER_WORKER + " per worker); more get 503 with Retry-After, as do requests "
                + "waiting over " + WorkLimits.MAX_WAIT_SECONDS + " s."})
    Integer workQueue;

    @Option(names = "--decode-memory-bytes", paramLabel = "BYTES",
            description = {"Memory the images being decoded at once may take, estimated from their headers before "
                + "decoding (default: half the heap). An upload waits until its share is free, or gets 503."})
    Long decodeMemoryBytes;

    @Option(names = "--hadoop-conf", paramLabel = "KEY=VALUE",
            description = "A Hadoop setting for reading s3a: images and stores, e.g. fs.s3a.endpoint=http://minio:9000 "
                + "(repeatable).")
    Map<String, String> hadoopConf = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            ServerConfig.Builder builder = ServerConfig.builder().host(host).port(port).imageRoots(imageRoots)
                    .localPaths(exposePaths ? LocalPaths.ABSOLUTE : LocalPaths.RELATIVE)
                    .apiKey(apiKey).corsOrigins(corsOrigins).rateLimit(rateLimit).trustedProxies(trustedProxies)
                    .maxUploadBytes(maxUploadBytes).maxK(maxK).hadoopConf(hadoopConf).indexName(indexName)
                    .imageUrls(imageUrlPolicy())
                    .maxThreads(maxThreads).idleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
                    .headerTimeout(Duration.ofSeconds(headerTimeoutSeconds)).minBodyRate(minBodyRate);
            if (workers != null) {
                builder.workers(workers);
            }
            if (workQueue != null) {
                builder.workQueue(workQueue);
            }
            if (decodeMemoryBytes != null) {
                builder.decodeMemoryBytes(decodeMemoryBytes);
            }
            config = builder.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ModelLocation location = model.location();
        // A store on s3a is copied into the local cache in the background; /ready says when it is done.
        VectorStore opened = store.uri.withHadoopConf(hadoopConf).open(OpenMode.READ_ONLY);
        CompletableFuture<ClipModel> loading = new CompletableFuture<>();
        Thread loader = new Thread(() -> {
            try {
                ClipModel loaded = SharedModels.get(location);
                otherModel.check(opened, store.uri, loaded.identity());
                loading.complete(loaded);
            } catch (Exception | Error e) {
                loading.completeExceptionally(e);
            }
        }, "imgsearch-model-loader");
        loader.setDaemon(true);
        loader.start();

        SearchServer server;
        try {
            server = new SearchServer(config, opened, loading).start();
        } catch (Exception e) {
            close(null, opened);
            throw e;
        }
        System.out.printf("imgsearch serving %s at http://%s:%d/%n", store.uri, host.contains(":") ? "[" + host + "]" : host,
                server.port());
        System.out.flush();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        loading.whenComplete((loaded, error) -> {
            if (error != null) {
                failure.set(error);
                done.countDown();
            } else if (loaded.descriptor().testModel()) {
                LOG.warn("model {} loaded; ready. It is a test model with random weights: search works, but its "
                        + "results mean nothing", loaded.descriptor().name());
            } else {
                LOG.info("model {} loaded; ready", loaded.descriptor().name());
            }
        });
        Thread hook = new Thread(() -> {
            close(server, opened);
            done.countDown();
        }, "imgsearch-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            done.await();
        } catch (InterruptedException e) {
            if (withdraw(hook)) {
                close(server, opened);
            }
            return 0;
        }
        if (failure.get() != null && withdraw(hook)) {
            close(server, opened);
            if (failure.get() instanceof ModelMismatchException refused) {
                throw refused;
            }
            throw new IllegalStateException("cannot load the model "
                    + (model.model == null ? "(default)" : model.model) + ": "
                    + failure.get().getMessage(), failure.get());
        }
        return 0;
    }

    private ImageUrlPolicy imageUrlPolicy() {
        if (allowPrivateImageUrls) {
            return ImageUrlPolicy.ANY_ADDRESS;
        }
        return allowImageUrls ? ImageUrlPolicy.PUBLIC : ImageUrlPolicy.OFF;
    }

    /** False when the JVM is already shutting down, in which case the hook itself closes everything. */
    private static boolean withdraw(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** The model is shared (SharedModels closes it at JVM exit); the server and the store are this command's. */
    private static void close(SearchServer server, VectorStore store) {
        if (server != null) {
            server.stop();
        }
        store.close();
    }
}

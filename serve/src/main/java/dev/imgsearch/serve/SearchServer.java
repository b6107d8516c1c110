package dev.imgsearch.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.imgsearch.decode.ImageDecoder;
import dev.imgsearch.model.ClipModel;
import dev.imgsearch.serve.jetty.JettyLimits;
import dev.imgsearch.source.ImageFetcher;
import dev.imgsearch.source.SourceOptions;
import dev.imgsearch.store.VectorStore;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.http.BadMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search service: JSON API, image and thumbnail serving, the web page, health, readiness and metrics, and the
 * APIs of the SkyPilot example and of clip-retrieval, on one Javalin (Jetty) server. It does not own the store or the
 * model: whoever made them closes them after {@link #stop()}.
 */
public final class SearchServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SearchServer.class);

    private static final long THUMBNAIL_CACHE_BYTES = 64L * 1024 * 1024;
    private static final long MAX_SERVED_IMAGE_BYTES = 256L * 1024 * 1024;

    private final ServerConfig config;
    private final ObjectMapper mapper = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final ServerMetrics metrics = new ServerMetrics();
    private final Javalin app;
    private final ModelState modelState;
    private final ImageUrlFetcher imageUrls;

    /**
     * @param model the model as it loads: the server answers liveness at once, and searches once the model is ready
     * @throws IOException if an image root is not a readable directory
     */
    public SearchServer(ServerConfig config, VectorStore store, CompletableFuture<ClipModel> model) throws IOException {
        this(config, store, model, SourceOptions.fromEnvironment());
    }

    /**
     * @param sources how images are read back from their sources: the Hub's endpoint and token (the s3a settings
     *                come from the config)
     */
    public SearchServer(ServerConfig config, VectorStore store, CompletableFuture<ClipModel> model,
                        SourceOptions sources) throws IOException {
        this.config = config;
        ImageRoots roots = ImageRoots.of(config.imageRoots());
        Searcher searcher = new Searcher(store, metrics, new ResultUris(roots, config.localPaths()));
        OriginalImages originals = new OriginalImages(roots, MAX_SERVED_IMAGE_BYTES,
                new ImageFetcher(sources.toBuilder().hadoopConf(config.hadoopConf()).build()));
        WorkPool work = new WorkPool(config.work(), ImageDecoder.DEFAULT_MAX_PIXELS,
                Duration.ofSeconds(WorkLimits.MAX_WAIT_SECONDS), metrics);
        modelState = new ModelState(model, searcher, metrics, work);
        if (!work.fitsLargestImage()) {
            LOG.warn("decode memory of {} MiB cannot hold an image at the {}-pixel limit: the largest uploads and "
                    + "thumbnails will get 503; give the JVM more heap", config.work().memoryBytes() >> 20,
                    ImageDecoder.DEFAULT_MAX_PIXELS);
        }
        SearchRoutes search = new SearchRoutes(modelState, searcher, store.schema(), config, mapper, work);
        ImageRoutes images = new ImageRoutes(searcher, originals,
                new Thumbnails(ImageDecoder.DEFAULT_MAX_PIXELS, THUMBNAIL_CACHE_BYTES), work, config.apiKey() != null);
        OpsRoutes ops = new OpsRoutes(modelState, searcher,
                new Readiness(modelState, searcher, config.readinessCacheTtl()), metrics);
        ClientAddress clients = new ClientAddress(config.trustedProxies());
        imageUrls = new ImageUrlFetcher(config.imageUrls(), config.maxUploadBytes());
        ClipRetrievalRoutes clipRetrieval = new ClipRetrievalRoutes(modelState, searcher, config, mapper, imageUrls,
                new RequestUrls(clients), work);
        Guards guards = new Guards(config,
                config.rateLimit() > 0 ? new RateLimiter(config.rateLimit(), System::nanoTime) : null, metrics, clients);
        AccessLog accessLog = new AccessLog(mapper, clients);
        byte[] openApi = resource("/openapi.json");

        app = Javalin.create(javalin -> configure(javalin, accessLog));
        app.before(guards::everyRequest);
        app.before("/api/*", guards::api);
        app.before("/search", guards::api);
        app.before("/image/*", guards::api);
        for (String path : new String[] {"/knn-service", "/indices-list", "/metadata"}) {
            app.before(path, guards::api);
        }

        app.get("/health", ops::health);
        app.get("/ready", ops::ready);
        app.get("/metrics", ops::metrics);
        app.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
        app.get("/api/stats", ops::stats);
        app.get("/api/search", search::textFromQuery);
        app.post("/api/search", search::fromJson);
        app.post("/api/search/image", search::image);
        app.get("/api/images/{id}", images::image);
        app.get("/api/images/{id}/similar", search::similar);
        app.post("/search", search::compat);
        app.get("/image/{image_path}", images::skyPilotImage);
        app.post("/knn-service", clipRetrieval::knnService);
        app.get("/indices-list", clipRetrieval::indicesList);
        app.post("/metadata", clipRetrieval::metadata);

        app.exception(ApiException.class, (e, ctx) -> {
            if (e.retryAfterSeconds() > 0) {
                ctx.header(Header.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
            }
            error(ctx, e.status(), e.getMessage());
        });
        // Jetty's own refusal while a handler reads the body: slower than the minimum rate, or malformed chunks.
        app.exception(BadMessageException.class, (e, ctx) -> {
            ApiException refused = HttpBodies.refusal(e);
            error(ctx, refused.status(), refused.getMessage());
        });
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), switch (e.getStatus()) {
            case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path();
            case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path();
            default -> e.getMessage();
        }));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed (request {})", ctx.method(), ctx.path(), ctx.attribute(Guards.REQUEST_ID), e);
            error(ctx, 500, "internal error; the server log has the details (request id "
                    + ctx.attribute(Guards.REQUEST_ID) + ")");
        });
    }

    private void configure(JavalinConfig javalin, AccessLog accessLog) {
        javalin.showJavalinBanner = false;
        javalin.startupWatcherEnabled = false;
        javalin.jsonMapper(new JavalinJackson(mapper, false));
        javalin.http.maxRequestSize = config.maxUploadBytes() + HttpBodies.MAX_JSON_BYTES;
        javalin.http.prefer405over404 = true;
        JettyLimits.install(javalin, config.host(), config.port(), config.connections());
        javalin.jetty.multipartConfig.maxFileSize(config.maxUploadBytes(), SizeUnit.BYTES);
        javalin.jetty.multipartConfig.maxTotalRequestSize(config.maxUploadBytes() + HttpBodies.MAX_JSON_BYTES, SizeUnit.BYTES);
        javalin.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
        javalin.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(mapper)));
        javalin.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrorHandler(mapper)));
        javalin.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/web";
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Cache-Control", "no-cache");
        });
        if (!config.corsOrigins().isEmpty()) {
            javalin.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                if (config.corsOrigins().contains("*")) {
                    rule.anyHost();
                } else {
                    config.corsOrigins().forEach(origin -> rule.allowHost(origin));
                }
                rule.exposeHeader(Guards.REQUEST_ID);
                rule.exposeHeader("Retry-After");
            }));
        }
        javalin.requestLogger.http((ctx, millis) -> {
            String route = route(ctx);
            metrics.request(ctx.method().name(), route, ctx.statusCode(), millis / 1000.0);
            accessLog.log(ctx, route, millis);
        });
    }

    public SearchServer start() {
        app.start();
        LOG.info("imgsearch serve listening on http://{}:{}/", config.host(), port());
        return this;
    }

    /** The port the server listens on (the chosen one when configured with port 0). */
    public int port() {
        return app.port();
    }

    public void stop() {
        app.stop();
        modelState.close();
        imageUrls.close();
    }

    @Override
    public void close() {
        stop();
    }

    /** The route template, so metrics stay bounded however many distinct paths clients send. */
    private static String route(Context ctx) {
        try {
            String path = ctx.endpointHandlerPath();
            return path == null || path.isEmpty() || path.equals("*") ? "other" : path;
        } catch (RuntimeException e) {
            return "other";
        }
    }

    private void error(Context ctx, int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (fastApiRoute(ctx.path())) {
            body.put("detail", message);
        }
        ctx.status(status).json(body);
    }

    /** The SkyPilot example's routes, whose page reads errors from FastAPI's {@code detail}. */
    private static boolean fastApiRoute(String path) {
        return path.equals("/search") || path.startsWith("/image/");
    }

    private static byte[] resource(String name) {
        try (InputStream in = SearchServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

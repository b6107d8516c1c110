package dev.imgsearch.serve;

import dev.imgsearch.model.ModelDescriptor;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/** Liveness, readiness (SkyServe's probe), Prometheus metrics and a summary for the web page. */
final class OpsRoutes {

    static final String TEST_MODEL_WARNING = "This server runs a test model with random weights: search works, but "
            + "its results mean nothing. Serve a real CLIP model (imgsearch serve --model) for real search.";

    private final ModelState model;
    private final Searcher searcher;
    private final Readiness readiness;
    private final ServerMetrics metrics;

    OpsRoutes(ModelState model, Searcher searcher, Readiness readiness, ServerMetrics metrics) {
        this.model = model;
        this.searcher = searcher;
        this.readiness = readiness;
        this.metrics = metrics;
    }

    /**
     * The process is up and answering, whatever the state of the model and the store; {@code collection_size} (the
     * SkyPilot example's field) is the store's count, or null while the store does not answer.
     */
    void health(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        Long size;
        try {
            size = searcher.count();
        } catch (ApiException e) {
            size = null;
        }
        body.put("collection_size", size);
        ctx.json(body);
    }

    /** 200 once the model is loaded and fits the store and the store answers a search; 503 with the reason otherwise. */
    void ready(Context ctx) {
        Readiness.Status status = readiness.check();
        metrics.ready(status.ready());
        if (!status.ready()) {
            ctx.status(503).json(Map.of("status", "not ready", "error", status.problem()));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ready");
        body.put("model", model.modelName());
        body.put("images", status.images());
        ctx.json(body);
    }

    void metrics(Context ctx) {
        ctx.contentType(metrics.contentType()).result(metrics.scrape());
    }

    /**
     * What the web page shows in its header: the model (null while loading), the image count and dimension, and for
     * a test model ({@link ModelDescriptor#testModel()}) a {@code warning} that its results mean nothing.
     */
    void stats(Context ctx) {
        model.problem();
        OptionalInt dimension = searcher.dimension();
        ModelDescriptor descriptor = model.descriptor();
        boolean testModel = descriptor != null && descriptor.testModel();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", descriptor == null ? null : descriptor.name());
        body.put("images", searcher.count());
        body.put("dimension", dimension.isPresent() ? dimension.getAsInt() : null);
        body.put("test_model", testModel);
        body.put("warning", testModel ? TEST_MODEL_WARNING : null);
        ctx.json(body);
    }
}

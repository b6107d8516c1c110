package dev.imgsearch.serve;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/** Liveness, readiness (SkyServe's probe), Prometheus metrics and a summary for the web page. */
final class OpsRoutes {

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

    /** The process is up and answering; says nothing about the model or the store. */
    void health(Context ctx) {
        ctx.json(Map.of("status", "ok"));
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

    /** What the web page shows in its header: the model (null while loading), the image count and dimension. */
    void stats(Context ctx) {
        model.problem();
        OptionalInt dimension = searcher.dimension();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model.modelName());
        body.put("images", searcher.count());
        body.put("dimension", dimension.isPresent() ? dimension.getAsInt() : null);
        ctx.json(body);
    }
}

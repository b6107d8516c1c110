package dev.imgsearch.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on the {@value #LOGGER} logger, so log pipelines can parse it without a pattern. The
 * query string is left out: search texts are the users' own words.
 */
final class AccessLog {

    static final String LOGGER = "dev.imgsearch.serve.access";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final ObjectMapper mapper;
    private final ClientAddress clients;

    AccessLog(ObjectMapper mapper, ClientAddress clients) {
        this.mapper = mapper;
        this.clients = clients;
    }

    void log(Context ctx, String route, float millis) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("request_id", ctx.attribute(Guards.REQUEST_ID));
        line.put("client", clients.of(ctx));
        line.put("method", ctx.method().name());
        line.put("path", ctx.path());
        line.put("route", route);
        line.put("status", ctx.statusCode());
        line.put("duration_ms", Math.round(millis * 100) / 100.0);
        line.put("request_bytes", Math.max(0, ctx.req().getContentLengthLong()));
        line.put("user_agent", ctx.userAgent());
        try {
            LOG.info(mapper.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            LOG.warn("could not write the access log line for {} {}", ctx.method(), ctx.path(), e);
        }
    }
}

package dev.imgsearch.serve;

import dev.imgsearch.serve.jetty.BodyReaders;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What runs before every handler: request ids, security headers, the caps on request bodies, the rate limit and the
 * API key. Nothing here reads a body: a refused request is answered at once, and Jetty closes its connection if the
 * client is still sending.
 */
final class Guards {

    static final String REQUEST_ID = "X-Request-Id";

    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' blob: data:; "
            + "script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private final long maxBodyBytes;
    private final RateLimiter limiter;
    private final double rate;
    private final byte[] keyDigest;
    private final ServerMetrics metrics;
    private final ClientAddress clients;

    Guards(ServerConfig config, RateLimiter limiter, ServerMetrics metrics, ClientAddress clients) {
        this.maxBodyBytes = config.maxUploadBytes() + HttpBodies.MAX_JSON_BYTES;
        this.limiter = limiter;
        this.rate = config.rateLimit();
        this.keyDigest = config.apiKey() == null ? null : sha256(config.apiKey());
        this.metrics = metrics;
        this.clients = clients;
    }

    /** Every request: an id to correlate logs, headers that keep browsers strict, and the overall body cap. */
    void everyRequest(Context ctx) {
        String given = ctx.header(REQUEST_ID);
        String id = given != null && CLIENT_REQUEST_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ctx.attribute(REQUEST_ID, id);
        ctx.header(REQUEST_ID, id);
        ctx.header(Header.X_CONTENT_TYPE_OPTIONS, "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header(Header.X_FRAME_OPTIONS, "DENY");
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        if (BodyReaders.isRefused(ctx.req())) {
            metrics.refused("body_readers");
            throw ApiException.busy("the server is receiving as many request bodies as it allows at once; retry shortly");
        }
        if (ctx.req().getContentLengthLong() > maxBodyBytes) {
            throw HttpBodies.tooLarge(ctx, "the request body", maxBodyBytes);
        }
    }

    /** API requests only: the per-client token bucket, then the bearer key. Preflight requests pass untouched. */
    void api(Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS) {
            return;
        }
        if (limiter != null) {
            long retryAfter = limiter.acquire(clients.of(ctx));
            if (retryAfter > 0) {
                metrics.rateLimited();
                throw new ApiException(429, "rate limit exceeded: at most " + rate + " requests per second per client;"
                        + " retry after " + retryAfter + " s", retryAfter);
            }
        }
        if (keyDigest != null) {
            String authorization = ctx.header(Header.AUTHORIZATION);
            if (authorization == null || authorization.isBlank()) {
                ctx.header(Header.WWW_AUTHENTICATE, "Bearer");
                throw new ApiException(401, "missing API key: send the header 'Authorization: Bearer <key>'");
            }
            String prefix = "Bearer ";
            boolean bearer = authorization.regionMatches(true, 0, prefix, 0, prefix.length());
            if (!bearer || !MessageDigest.isEqual(keyDigest, sha256(authorization.substring(prefix.length()).strip()))) {
                ctx.header(Header.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
                throw new ApiException(401, "invalid API key");
            }
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

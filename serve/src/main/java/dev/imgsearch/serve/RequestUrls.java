package dev.imgsearch.serve;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Absolute URLs of this server as the client reached it: the scheme and {@code Host} of the request, or, from a
 * trusted proxy (a TLS-terminating load balancer), its {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}.
 */
final class RequestUrls {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?");

    private final ClientAddress clients;

    RequestUrls(ClientAddress clients) {
        this.clients = clients;
    }

    /** {@code scheme://host[:port]} with no trailing slash. */
    String base(Context ctx) {
        String scheme = ctx.scheme();
        String host = ctx.host();
        if (clients.viaTrustedProxy(ctx)) {
            scheme = first(ctx.header("X-Forwarded-Proto"), scheme);
            host = first(ctx.header("X-Forwarded-Host"), host);
        }
        scheme = scheme.toLowerCase(Locale.ROOT).equals("https") ? "https" : "http";
        if (host == null || !HOST.matcher(host).matches()) {
            // No usable Host header (HTTP/1.0, or garbage): the address the request arrived at.
            String local = ctx.req().getLocalAddr();
            host = (local.contains(":") ? "[" + local + "]" : local) + ":" + ctx.req().getLocalPort();
        }
        return scheme + "://" + host;
    }

    private static String first(String header, String fallback) {
        if (header == null || header.isBlank()) {
            return fallback;
        }
        return header.split(",")[0].strip();
    }
}

package dev.imgsearch.serve;

import io.javalin.http.Context;
import java.util.Set;

/**
 * Who a request is from: the connection's address, or, when that is a trusted reverse proxy, the nearest address
 * in {@code X-Forwarded-For} that is not itself a trusted proxy. Headers from anyone else are ignored: they could
 * claim any address and dodge the rate limit.
 */
final class ClientAddress {

    private final Set<String> trustedProxies;

    ClientAddress(Set<String> trustedProxies) {
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    /** Whether the connection comes from a trusted proxy, whose {@code X-Forwarded-*} headers are believed. */
    boolean viaTrustedProxy(Context ctx) {
        return trustedProxies.contains(ctx.req().getRemoteAddr());
    }

    String of(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        if (!trustedProxies.contains(peer)) {
            return peer;
        }
        String forwarded = ctx.header("X-Forwarded-For");
        if (forwarded == null || forwarded.isBlank()) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }
}

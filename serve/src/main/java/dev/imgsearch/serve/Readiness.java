package dev.imgsearch.serve;

import java.time.Duration;

/**
 * Whether the server can answer searches: the model is loaded and fits the store, and the store answers a search on
 * the path searches take. The store's answer is kept for a short time, so that a flood of probes (the endpoint is
 * open to anyone, and every load balancer polls it) cannot load the store; a store call that failed within that
 * time, a search's included, makes the server not ready at once.
 */
final class Readiness {

    static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(2);

    /** Ready when {@code problem} is null; {@code images} is the store's count then. */
    record Status(String problem, long images) {

        boolean ready() {
            return problem == null;
        }
    }

    private record Probe(Status status, long atNanos) {
    }

    private final ModelState model;
    private final Searcher searcher;
    private final long ttlNanos;
    private Probe last;

    Readiness(ModelState model, Searcher searcher, Duration cacheTtl) {
        this.model = model;
        this.searcher = searcher;
        this.ttlNanos = cacheTtl.toNanos();
    }

    Status check() {
        String problem = model.problem();
        if (problem != null) {
            return new Status(problem, -1);
        }
        Status store = store();
        if (store.ready() && searcher.failedWithin(ttlNanos)) {
            return new Status(Searcher.UNAVAILABLE, -1);
        }
        return store;
    }

    /** One probe at a time, at most one per TTL: concurrent checks wait for the probe in flight and share it. */
    private synchronized Status store() {
        long now = System.nanoTime();
        if (last == null || now - last.atNanos() >= ttlNanos) {
            Status status;
            try {
                status = new Status(null, searcher.probe());
            } catch (ApiException e) {
                status = new Status(e.getMessage(), -1);
            }
            last = new Probe(status, System.nanoTime());
        }
        return last.status();
    }
}

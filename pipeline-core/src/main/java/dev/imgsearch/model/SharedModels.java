package dev.imgsearch.model;

import ai.djl.Device;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One loaded {@link ClipModel} per JVM per (location, device), shared by every task and thread that asks for it,
 * and closed when the JVM shuts down. Callers must not close the models they get from here.
 */
public final class SharedModels {

    private record Key(ModelLocation location, Device device) {
    }

    /** Loads its model at most once; a failed load is retried by the next caller. */
    private static final class Slot {
        private ClipModel model;

        synchronized ClipModel get(Key key, ModelFetcher fetcher) throws IOException {
            if (model == null) {
                model = ClipModel.load(fetcher.fetch(key.location()), key.device());
            }
            return model;
        }

        synchronized void close() {
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }

    private static final ConcurrentHashMap<Key, Slot> MODELS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SharedModels::closeAll, "imgsearch-model-shutdown"));
    }

    private SharedModels() {
    }

    /** The shared model for a location on {@link ClipModel#defaultDevice()}, fetched through the default cache. */
    public static ClipModel get(ModelLocation location) throws IOException {
        return get(location, ClipModel.defaultDevice());
    }

    /** The shared model for a location on a device, fetched through the default cache on first use. */
    public static ClipModel get(ModelLocation location, Device device) throws IOException {
        return get(location, device, ModelFetcher.withDefaultCache());
    }

    /** The shared model for a location on a device; {@code fetcher} is used only if it is not loaded yet. */
    public static ClipModel get(ModelLocation location, Device device, ModelFetcher fetcher) throws IOException {
        Key key = new Key(location, device);
        return MODELS.computeIfAbsent(key, k -> new Slot()).get(key, fetcher);
    }

    /** Closes every shared model (done automatically at JVM shutdown); later calls to get load afresh. */
    public static void closeAll() {
        MODELS.values().forEach(Slot::close);
    }
}

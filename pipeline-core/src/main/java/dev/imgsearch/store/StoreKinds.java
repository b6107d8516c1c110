package dev.imgsearch.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The kinds of store this build has: every {@link StoreKind} named in a {@code META-INF/services} file on the class
 * path (the project's own are listed in pipeline-core's).
 */
final class StoreKinds {

    private static final Map<String, StoreKind> BY_SCHEME = load();

    private StoreKinds() {
    }

    static Optional<StoreKind> forScheme(String scheme) {
        return Optional.ofNullable(BY_SCHEME.get(scheme));
    }

    /** The forms of every kind, e.g. {@code lucene:DIR or chroma:http://HOST:PORT/COLLECTION}. */
    static String forms() {
        return String.join(" or ", BY_SCHEME.values().stream().map(StoreKind::form).toList());
    }

    private static Map<String, StoreKind> load() {
        Map<String, StoreKind> kinds = new LinkedHashMap<>();
        // The class's own loader, not the thread's: under spark-submit both find the application jar, but only this
        // one is certain to be the loader of StoreKind itself.
        for (StoreKind kind : ServiceLoader.load(StoreKind.class, StoreKind.class.getClassLoader())) {
            StoreKind clash = kinds.putIfAbsent(kind.scheme(), kind);
            if (clash != null) {
                throw new IllegalStateException("two store kinds claim the scheme '" + kind.scheme() + "': "
                        + clash.getClass().getName() + " and " + kind.getClass().getName());
            }
        }
        return kinds;
    }
}

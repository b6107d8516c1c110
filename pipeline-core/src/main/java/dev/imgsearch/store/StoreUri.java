package dev.imgsearch.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where a store is and how to open it, as given on a command line or in a config file: {@code KIND:LOCATION}, then
 * optionally {@code ?NAME=VALUE} pairs joined by {@code &}, e.g. {@code lucene:/data/index?kind=hnsw-int8&m=32}. This
 * is the one place the syntax is read; the {@link StoreKind} the scheme names gives the location and the options their
 * meaning ({@code LuceneStoreKind}, {@code ChromaStoreKind}; for users, the README's "Store URIs"). Whether opening may
 * create the store is the caller's {@link OpenMode}, never part of the URI.
 *
 * @param text     the URI as given
 * @param kind     the kind its scheme names
 * @param location everything between the scheme's colon and the options
 * @param options  the options, in the order given
 * @param hadoopConf Hadoop settings (an s3a endpoint, credentials) for a store whose location is a Hadoop file system
 *                   path; not part of the text, given by the command ({@link #withHadoopConf})
 */
public record StoreUri(String text, StoreKind kind, String location, Map<String, String> options,
                       Map<String, String> hadoopConf) {

    private static final String BAD = "bad store URI ";

    public StoreUri {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        hadoopConf = Map.copyOf(hadoopConf);
    }

    /**
     * @throws IllegalArgumentException for a malformed URI, an unknown kind or option, or a bad option value, with a
     *                                  one-line message saying what is expected
     */
    public static StoreUri parse(String text) {
        int colon = text.indexOf(':');
        String scheme = colon < 0 ? "" : text.substring(0, colon);
        String rest = colon < 0 ? "" : text.substring(colon + 1);
        int question = rest.indexOf('?');
        String location = question < 0 ? rest : rest.substring(0, question);
        StoreKind kind = StoreKinds.forScheme(scheme).orElseThrow(() -> bad(text, scheme.isEmpty()
                ? "expected " + StoreKinds.forms()
                : "unknown store '" + scheme + "'; expected " + StoreKinds.forms()));
        if (location.isEmpty()) {
            throw bad(text, "expected " + kind.form());
        }
        StoreUri uri = new StoreUri(text, kind, location,
                question < 0 ? Map.of() : options(text, rest.substring(question + 1)), Map.of());
        for (String name : uri.options.keySet()) {
            if (!kind.options().contains(name)) {
                throw uri.bad("unknown option '" + name + "'; known: "
                        + String.join(", ", kind.options().stream().sorted().toList()));
            }
        }
        kind.check(uri);
        return uri;
    }

    /** The same store, reached with these Hadoop settings on top of Hadoop's defaults. */
    public StoreUri withHadoopConf(Map<String, String> settings) {
        return new StoreUri(text, kind, location, options, settings);
    }

    /**
     * Opens the store for a build whose tasks write one shard each, for a kind with {@link
     * StoreCapability#SHARDED_BUILD}; creates nothing yet.
     *
     * @param rows        how many rows the build reads, which sizes the shards of a store it creates; asked only
     *                    when this creates a store and the URI names no shard count, as counting may read the input
     * @param parallelism how many tasks can run at once
     */
    public ShardedBuild openShardedBuild(LongSupplier rows, int parallelism) {
        return kind.openShardedBuild(this, rows, parallelism);
    }

    /** {@link #openShardedBuild(LongSupplier, int)} for a row count already known. */
    public ShardedBuild openShardedBuild(long rows, int parallelism) {
        return openShardedBuild(() -> rows, parallelism);
    }

    /** Opens the store; a store this creates gets the image fields ({@link MetadataSchema#IMAGES}). */
    public VectorStore open(OpenMode mode) {
        return open(mode, MetadataSchema.IMAGES);
    }

    /** Opens the store; a store this creates gets {@code schema}, an existing one keeps its own. */
    public VectorStore open(OpenMode mode, MetadataSchema schema) {
        return kind.open(this, mode, schema);
    }

    /** Opens this store from other JVMs (Spark executors) with what this one resolved; see {@link StoreOpener}. */
    public StoreOpener opener() {
        return kind.opener(this);
    }

    /** How many writers a build runs at once into this store, when it takes parallel writers. */
    public int writers() {
        return kind.writers(this);
    }

    /** Whether the store exists, looked up without creating anything. */
    public boolean exists() {
        return kind.exists(this);
    }

    public boolean has(StoreCapability capability) {
        return kind.capabilities(this).contains(capability);
    }

    public boolean hasOption(String name) {
        return options.containsKey(name);
    }

    /** The whole-number option {@code name}, or {@code fallback} when it is not given. */
    public int intOption(String name, int fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw bad("option " + name + " needs a whole number, got '" + value + "'");
        }
    }

    /** The text option {@code name}, or {@code fallback} when it is not given. */
    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** What {@code make} makes from this URI's options, its IllegalArgumentException turned into {@link #bad}. */
    public <T> T orBad(Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(BAD) ? e : bad(e.getMessage());
        }
    }

    /** The error for this URI: {@code bad store URI 'TEXT': WHY}. */
    public IllegalArgumentException bad(String why) {
        return bad(text, why);
    }

    @Override
    public String toString() {
        return text;
    }

    private static Map<String, String> options(String text, String query) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || options.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                throw bad(text, "options must be distinct name=value pairs joined by &, got '" + pair + "'");
            }
        }
        return options;
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException(BAD + "'" + text + "': " + why);
    }
}

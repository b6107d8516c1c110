package dev.imgsearch.model;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a model comes from, as given to {@code --model}: a directory, a {@code .zip} of one, an
 * {@code http(s)://…zip#sha256=HEX} URL, a Hadoop file system URI such as {@code s3a://bucket/model.zip} (with an
 * optional {@code #sha256=HEX}), or nothing / {@code default} for the default CLIP ViT-B/32.
 *
 * @param kind     which of those it is
 * @param location absolute directory or zip path, or the URI without its fragment; empty for the default
 * @param sha256   expected lowercase hex SHA-256 of the zip, or null when none was given
 */
public record ModelLocation(Kind kind, String location, String sha256) {

    public enum Kind { DEFAULT, DIRECTORY, ZIP, URL, HADOOP }

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://.*");
    private static final Pattern SHA256_FRAGMENT = Pattern.compile("sha256=([0-9A-Fa-f]{64})");

    public ModelLocation {
        if (kind == null || location == null) {
            throw new IllegalArgumentException("model location needs a kind and a location");
        }
        sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
    }

    public static ModelLocation defaultModel() {
        return new ModelLocation(Kind.DEFAULT, "", null);
    }

    /** Parses a {@code --model} value; null, blank or {@code default} mean the default model. */
    public static ModelLocation parse(String spec) {
        if (spec == null || spec.isBlank() || spec.strip().equals("default")) {
            return defaultModel();
        }
        String value = spec.strip();
        Matcher scheme = SCHEME.matcher(value);
        if (scheme.matches() && !scheme.group(1).equalsIgnoreCase("file")) {
            return remote(value, scheme.group(1).toLowerCase(Locale.ROOT));
        }
        Path path = value.regionMatches(true, 0, "file:", 0, 5) ? Path.of(URI.create(value)) : Path.of(value);
        String absolute = path.toAbsolutePath().normalize().toString();
        Kind kind = absolute.toLowerCase(Locale.ROOT).endsWith(".zip") ? Kind.ZIP : Kind.DIRECTORY;
        return new ModelLocation(kind, absolute, null);
    }

    private static ModelLocation remote(String value, String scheme) {
        int hash = value.indexOf('#');
        String address = hash < 0 ? value : value.substring(0, hash);
        String sha256 = null;
        if (hash >= 0) {
            Matcher fragment = SHA256_FRAGMENT.matcher(value.substring(hash + 1));
            if (!fragment.matches()) {
                throw new IllegalArgumentException("bad model URL fragment in " + value
                        + ": expected #sha256= followed by 64 hex digits");
            }
            sha256 = fragment.group(1);
        }
        boolean http = scheme.equals("http") || scheme.equals("https");
        if (http && sha256 == null) {
            throw new IllegalArgumentException("model URL " + address + " needs its checksum: append"
                    + " #sha256=<64 hex digits of the zip> (tools/clip_model.py pack prints it)");
        }
        URI uri = URI.create(address);
        return new ModelLocation(http ? Kind.URL : Kind.HADOOP, uri.toString(), sha256);
    }

    public URI uri() {
        return URI.create(location);
    }

    /** The {@code --model} form of this location. */
    @Override
    public String toString() {
        return switch (kind) {
            case DEFAULT -> "default";
            case DIRECTORY, ZIP -> location;
            case URL, HADOOP -> sha256 == null ? location : location + "#sha256=" + sha256;
        };
    }
}

package dev.imgsearch.source;

import dev.imgsearch.source.hub.HubToken;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Settings a source needs on the driver and on executors; travels with the shards, so it is serializable.
 * Made with {@link #builder()} (or {@link #toBuilder()} to change a few).
 *
 * @param format        the layout of the location's files: {@link Format#AUTO} picks it from the files (tar shards,
 *                      else image files, else Parquet)
 * @param imageColumn   Parquet column holding the image: a binary column or the datasets library's
 *                      {@code {bytes, path}} struct; null finds it (see {@code ParquetRows})
 * @param captionColumn Parquet string column with the caption; null takes {@code caption}, {@code text} or
 *                      {@code txt} if present
 * @param hadoopConf    Hadoop settings for {@code s3a://} and other Hadoop file systems (e.g. {@code fs.s3a.endpoint})
 * @param hfToken       Hugging Face token sent as a bearer token, or null
 * @param hfEndpoint    base URL of the Hugging Face Hub
 * @param maxImageBytes images larger than this become items with a read error instead of being loaded
 * @param allowPartial  take a partial Hugging Face Parquet export knowingly (the run report says "partial") rather
 *                      than refuse it
 */
public record SourceOptions(Format format, String imageColumn, String captionColumn, Map<String, String> hadoopConf,
                            String hfToken, String hfEndpoint, long maxImageBytes, boolean allowPartial)
        implements Serializable {

    /** How a location's files hold the images. */
    public enum Format { AUTO, IMAGES, PARQUET, WEBDATASET }

    public static final String DEFAULT_HF_ENDPOINT = "https://huggingface.co";
    public static final long DEFAULT_MAX_IMAGE_BYTES = 256L << 20;

    public SourceOptions {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(hfEndpoint, "hfEndpoint");
        hadoopConf = Map.copyOf(hadoopConf);
        hfEndpoint = hfEndpoint.endsWith("/") ? hfEndpoint.substring(0, hfEndpoint.length() - 1) : hfEndpoint;
        if (hfToken != null && hfToken.isBlank()) {
            hfToken = null;
        }
        if (maxImageBytes < 1) {
            throw new IllegalArgumentException("maxImageBytes must be positive, got " + maxImageBytes);
        }
    }

    /** Defaults that ignore the environment (what tests want). */
    public static SourceOptions defaults() {
        return builder().build();
    }

    /**
     * Defaults plus the Hub token ({@link HubToken}) and {@code HF_ENDPOINT} from the environment, as the Python Hub
     * client finds them.
     */
    public static SourceOptions fromEnvironment() {
        String endpoint = System.getenv("HF_ENDPOINT");
        return builder()
                .hfToken(HubToken.fromEnvironment())
                .hfEndpoint(endpoint == null || endpoint.isBlank() ? DEFAULT_HF_ENDPOINT : endpoint)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().format(format).imageColumn(imageColumn).captionColumn(captionColumn)
                .hadoopConf(hadoopConf).hfToken(hfToken).hfEndpoint(hfEndpoint).maxImageBytes(maxImageBytes)
                .allowPartial(allowPartial);
    }

    /** Secrets stay out of logs and Spark UIs. */
    @Override
    public String toString() {
        Map<String, String> conf = hadoopConf.entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, e -> isSecret(e.getKey()) ? "***" : e.getValue(), (a, b) -> a, TreeMap::new));
        return "SourceOptions[format=" + format + ", imageColumn=" + imageColumn + ", captionColumn=" + captionColumn
                + ", hadoopConf=" + conf + ", hfToken=" + (hfToken == null ? "null" : "***")
                + ", hfEndpoint=" + hfEndpoint + ", maxImageBytes=" + maxImageBytes + ", allowPartial=" + allowPartial + "]";
    }

    private static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("secret") || k.contains("password") || k.contains("token") || k.endsWith(".key");
    }

    /** Starts from the defaults; every setter returns the builder. */
    public static final class Builder {
        private Format format = Format.AUTO;
        private String imageColumn;
        private String captionColumn;
        private Map<String, String> hadoopConf = Map.of();
        private String hfToken;
        private String hfEndpoint = DEFAULT_HF_ENDPOINT;
        private long maxImageBytes = DEFAULT_MAX_IMAGE_BYTES;
        private boolean allowPartial;

        private Builder() {
        }

        public Builder format(Format value) {
            format = value;
            return this;
        }

        public Builder imageColumn(String value) {
            imageColumn = value;
            return this;
        }

        public Builder captionColumn(String value) {
            captionColumn = value;
            return this;
        }

        public Builder hadoopConf(Map<String, String> value) {
            hadoopConf = value;
            return this;
        }

        public Builder hfToken(String value) {
            hfToken = value;
            return this;
        }

        public Builder hfEndpoint(String value) {
            hfEndpoint = value;
            return this;
        }

        public Builder maxImageBytes(long value) {
            maxImageBytes = value;
            return this;
        }

        public Builder allowPartial(boolean value) {
            allowPartial = value;
            return this;
        }

        public SourceOptions build() {
            return new SourceOptions(format, imageColumn, captionColumn, hadoopConf, hfToken, hfEndpoint, maxImageBytes,
                    allowPartial);
        }
    }
}

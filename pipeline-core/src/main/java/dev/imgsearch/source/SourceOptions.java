package dev.imgsearch.source;

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
 * @param format        how to read the location: {@link Format#AUTO} picks Parquet for {@code hf://} and for
 *                      paths ending in {@code .parquet}, images otherwise
 * @param imageColumn   Parquet column holding the image: a binary column or the datasets library's
 *                      {@code {bytes, path}} struct
 * @param captionColumn Parquet string column with the caption; null means a column named {@code caption} if present
 * @param hadoopConf    Hadoop settings for {@code s3a://} and other Hadoop file systems (e.g. {@code fs.s3a.endpoint})
 * @param hfToken       Hugging Face token sent as a bearer token, or null
 * @param hfEndpoint    base URL of the Hugging Face Hub
 * @param maxImageBytes images larger than this become items with a read error instead of being loaded
 */
public record SourceOptions(Format format, String imageColumn, String captionColumn, Map<String, String> hadoopConf,
                            String hfToken, String hfEndpoint, long maxImageBytes) implements Serializable {

    public enum Format { AUTO, IMAGES, PARQUET }

    public static final String DEFAULT_HF_ENDPOINT = "https://huggingface.co";
    public static final long DEFAULT_MAX_IMAGE_BYTES = 256L << 20;

    public SourceOptions {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(imageColumn, "imageColumn");
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

    /** Defaults plus {@code HF_TOKEN} and {@code HF_ENDPOINT} from the environment, as the Python Hub client reads them. */
    public static SourceOptions fromEnvironment() {
        String endpoint = System.getenv("HF_ENDPOINT");
        return builder()
                .hfToken(System.getenv("HF_TOKEN"))
                .hfEndpoint(endpoint == null || endpoint.isBlank() ? DEFAULT_HF_ENDPOINT : endpoint)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().format(format).imageColumn(imageColumn).captionColumn(captionColumn)
                .hadoopConf(hadoopConf).hfToken(hfToken).hfEndpoint(hfEndpoint).maxImageBytes(maxImageBytes);
    }

    /** Secrets stay out of logs and Spark UIs. */
    @Override
    public String toString() {
        Map<String, String> conf = hadoopConf.entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, e -> isSecret(e.getKey()) ? "***" : e.getValue(), (a, b) -> a, TreeMap::new));
        return "SourceOptions[format=" + format + ", imageColumn=" + imageColumn + ", captionColumn=" + captionColumn
                + ", hadoopConf=" + conf + ", hfToken=" + (hfToken == null ? "null" : "***")
                + ", hfEndpoint=" + hfEndpoint + ", maxImageBytes=" + maxImageBytes + "]";
    }

    private static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("secret") || k.contains("password") || k.contains("token") || k.endsWith(".key");
    }

    /** Starts from the defaults; every setter returns the builder. */
    public static final class Builder {
        private Format format = Format.AUTO;
        private String imageColumn = "image";
        private String captionColumn;
        private Map<String, String> hadoopConf = Map.of();
        private String hfToken;
        private String hfEndpoint = DEFAULT_HF_ENDPOINT;
        private long maxImageBytes = DEFAULT_MAX_IMAGE_BYTES;

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

        public SourceOptions build() {
            return new SourceOptions(format, imageColumn, captionColumn, hadoopConf, hfToken, hfEndpoint, maxImageBytes);
        }
    }
}

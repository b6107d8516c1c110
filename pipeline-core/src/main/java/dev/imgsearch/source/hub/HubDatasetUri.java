package dev.imgsearch.source.hub;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code hf://datasets/ORG/NAME[@REVISION][/PATH]}, the form {@code huggingface_hub}'s file system, DuckDB and Polars
 * use. REVISION is a branch, tag or commit, {@code main} when omitted: the repository's own files, as
 * {@code datasets.load_dataset} reads them. The special refs that contain '/' are written plainly, as
 * {@code HfFileSystem} parses them ({@code @refs/pr/3}, {@code @refs/convert/parquet}); any revision may also be
 * percent-encoded ({@code refs%2Fpr%2F3}). {@code ~parquet} is the Hub's alias for {@code refs/convert/parquet}:
 * the Parquet export the dataset viewer makes, laid out as {@code CONFIG/SPLIT/NNNN.parquet}, so PATH there is
 * {@code CONFIG} or {@code CONFIG/SPLIT}. PATH is a folder or file of the repository; empty for all of it.
 *
 * @param repo         {@code ORG/NAME}
 * @param revisionText the revision as written ({@code main} when omitted); item URIs repeat it
 * @param revision     the revision to resolve, aliases expanded
 * @param path         folder or file inside the repository, no leading or trailing '/'; empty for all of it
 */
public record HubDatasetUri(String repo, String revisionText, String revision, String path) {

    public static final String PARQUET_ALIAS = "~parquet";
    public static final String PARQUET_EXPORT = "refs/convert/parquet";
    static final String DEFAULT_REVISION = "main";
    private static final Pattern FORM = Pattern.compile(
            "hf://datasets/([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)"
                    + "(?:@(refs/(?:convert|pr)/[^/]+|[^/]+))?(?:/(.*))?");

    public static boolean matches(String uri) {
        return uri.startsWith("hf://");
    }

    public static HubDatasetUri parse(String uri) {
        Matcher m = FORM.matcher(uri);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Hugging Face dataset URI: " + uri
                    + " (expected hf://datasets/ORG/NAME[@REVISION][/PATH], e.g. @~parquet/CONFIG/SPLIT for the export)");
        }
        String revisionText = m.group(2) == null ? DEFAULT_REVISION : m.group(2);
        String decoded = URLDecoder.decode(revisionText.replace("+", "%2B"), StandardCharsets.UTF_8);
        String revision = decoded.equals(PARQUET_ALIAS) ? PARQUET_EXPORT : decoded;
        String path = m.group(3) == null ? "" : m.group(3).replaceAll("^/+|/+$", "");
        return new HubDatasetUri(m.group(1), revisionText, revision, path);
    }

    /** Whether this names the Hub's Parquet export rather than the repository's own files. */
    public boolean isParquetExport() {
        return revision.equals(PARQUET_EXPORT);
    }

    /** The stable URI of one file of this dataset at the revision as written. */
    public String fileUri(String file) {
        return "hf://datasets/" + repo + "@" + revisionText + "/" + file;
    }
}

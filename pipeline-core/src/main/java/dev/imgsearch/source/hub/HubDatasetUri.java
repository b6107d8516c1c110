package dev.imgsearch.source.hub;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code hf://datasets/ORG/NAME[@REVISION][/PATH]}, the form {@code huggingface_hub}'s file system, DuckDB and Polars use.
 * REVISION is a branch, tag or commit; one containing '/' is percent-encoded ({@code refs%2Fpr%2F3}). It defaults
 * to {@code ~parquet}, the Hub's alias for {@code refs/convert/parquet}: the Parquet export the dataset viewer makes
 * of every dataset (image folders included), laid out as {@code CONFIG/SPLIT/NNNN.parquet}. So PATH is
 * {@code CONFIG} or {@code CONFIG/SPLIT} there; at other revisions it is any folder or {@code .parquet} file of the
 * repository. Every {@code .parquet} file under PATH (recursively) is read.
 *
 * @param repo         {@code ORG/NAME}
 * @param revisionText the revision as written ({@code ~parquet} when omitted); item URIs repeat it
 * @param revision     the revision to resolve, aliases expanded
 * @param path         folder or file inside the repository, no leading or trailing '/'; empty for all of it
 */
public record HubDatasetUri(String repo, String revisionText, String revision, String path) {

    public static final String PARQUET_ALIAS = "~parquet";
    private static final Pattern FORM = Pattern.compile(
            "hf://datasets/([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)(?:@([^/]+))?(?:/(.*))?");

    public static boolean matches(String uri) {
        return uri.startsWith("hf://");
    }

    public static HubDatasetUri parse(String uri) {
        Matcher m = FORM.matcher(uri);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Hugging Face dataset URI: " + uri
                    + " (expected hf://datasets/ORG/NAME[@REVISION][/CONFIG[/SPLIT]])");
        }
        String revisionText = m.group(2) == null ? PARQUET_ALIAS : m.group(2);
        String decoded = percentDecode(revisionText);
        String revision = decoded.equals(PARQUET_ALIAS) ? "refs/convert/parquet" : decoded;
        String path = m.group(3) == null ? "" : m.group(3).replaceAll("^/+|/+$", "");
        return new HubDatasetUri(m.group(1), revisionText, revision, path);
    }

    /** The URI of one row of a file of this dataset. */
    String rowUri(String file, long row) {
        return "hf://datasets/" + repo + "@" + revisionText + "/" + file + "#row=" + row;
    }

    private static String percentDecode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}

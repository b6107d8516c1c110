package dev.imgsearch.source.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgsearch.source.DatasetFiles;
import dev.imgsearch.source.ImageNames;
import org.apache.parquet.io.InputFile;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The files of a Hugging Face dataset repository under a path, listed through the Hub's tree API at the commit the
 * revision points to when listed, and read at that commit: whole files stream through {@code resolve} (which
 * redirects to the CDN), Parquet and tar members by range requests.
 *
 * <p>The Parquet export of a split over about 5 GB holds only its first part, in a {@code CONFIG/partial-SPLIT}
 * folder. Embedding that as the dataset would leave out the rest with a success message, so such a listing is
 * refused unless partial exports are allowed, and is then marked partial.
 */
public final class HubDatasetFiles implements DatasetFiles {

    private final HubDatasetUri uri;
    private final HubClient client;
    private final boolean allowPartial;

    public HubDatasetFiles(HubDatasetUri uri, HubClient client, boolean allowPartial) {
        this.uri = uri;
        this.client = client;
        this.allowPartial = allowPartial;
    }

    @Override
    public Listing list() throws IOException {
        String commit = client.resolveCommit(uri.revision());
        List<JsonNode> entries = entries(commit);
        String prefix = uri.path().isEmpty() ? "" : uri.path() + "/";
        List<StoredFile> files = new ArrayList<>();
        Set<String> partial = new TreeSet<>();
        long hidden = 0;
        for (JsonNode entry : entries) {
            String path = entry.path("path").asText();
            if (!"file".equals(entry.path("type").asText())) {
                continue;
            }
            String name = path.equals(uri.path()) ? path.substring(path.lastIndexOf('/') + 1)
                    : path.substring(prefix.length());
            if (ImageNames.isHiddenPath(name)) {
                hidden++;
                continue;
            }
            if (uri.isParquetExport()) {
                for (String segment : path.split("/")) {
                    if (segment.startsWith("partial-")) {
                        partial.add(path.substring(0, path.indexOf(segment) + segment.length()));
                    }
                }
            }
            String version = entry.path("lfs").path("oid").asText(entry.path("oid").asText(""));
            files.add(new StoredFile(name, uri.fileUri(path), entry.path("size").asLong(), version, commit));
        }
        if (!partial.isEmpty() && !allowPartial) {
            throw new IOException("Hugging Face dataset " + uri.repo() + ": its Parquet export is partial (the Hub"
                    + " converts only about the first 5 GB of a large split: " + String.join(", ", partial) + "), so"
                    + " embedding it would leave out the rest; read the repository's own files"
                    + " (hf://datasets/" + uri.repo() + "), or allow the partial export (--allow-partial) knowingly");
        }
        files.sort(Comparator.comparing(StoredFile::name));
        return new Listing(files, hidden, !partial.isEmpty());
    }

    /** The entries under the path: a file's own entry when it names a file, else the folder's, recursively. */
    private List<JsonNode> entries(String commit) throws IOException {
        if (!uri.path().isEmpty()) {
            int slash = uri.path().lastIndexOf('/');
            String parent = slash < 0 ? "" : uri.path().substring(0, slash);
            for (JsonNode entry : client.listTree(commit, parent, false)) {
                if (entry.path("path").asText().equals(uri.path()) && "file".equals(entry.path("type").asText())) {
                    return List.of(entry);
                }
            }
        }
        return client.listTree(commit, uri.path(), true);
    }

    @Override
    public InputStream open(StoredFile file) throws IOException {
        return client.openStream(url(file));
    }

    @Override
    public InputFile inputFile(StoredFile file) {
        return new HttpRangeInputFile(client, url(file), file.length());
    }

    @Override
    public byte[] read(StoredFile file, long offset, int length) throws IOException {
        return client.getRange(url(file), offset, length);
    }

    @Override
    public void close() {
        // the HTTP client is shared and holds nothing per dataset
    }

    private URI url(StoredFile file) {
        String prefix = uri.fileUri("");
        if (!file.uri().startsWith(prefix)) {
            throw new IllegalArgumentException(file.uri() + " is not a file of " + prefix);
        }
        return client.resolveUrl(file.revision(), file.uri().substring(prefix.length()));
    }
}

package dev.imgsearch.source.hub;

import dev.imgsearch.source.parquet.ParquetFiles;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.parquet.io.InputFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The Parquet files of a Hugging Face dataset, listed through the Hub's tree API at a pinned commit. */
public final class HubParquetFiles implements ParquetFiles {

    private final HubDatasetUri uri;
    private final HubClient client;

    public HubParquetFiles(HubDatasetUri uri, HubClient client) {
        this.uri = uri;
        this.client = client;
    }

    @Override
    public List<StoredFile> list() throws IOException {
        String commit = client.resolveCommit(uri.revision());
        boolean singleFile = uri.path().endsWith(".parquet");
        String folder = singleFile ? parent(uri.path()) : uri.path();
        List<StoredFile> files = new ArrayList<>();
        for (JsonNode entry : client.listTree(commit, folder, !singleFile)) {
            String path = entry.path("path").asText();
            boolean wanted = singleFile ? path.equals(uri.path()) : path.endsWith(".parquet");
            if ("file".equals(entry.path("type").asText()) && wanted) {
                String version = entry.path("lfs").path("oid").asText(entry.path("oid").asText(""));
                files.add(new StoredFile(path, path, entry.path("size").asLong(), commit, version));
            }
        }
        if (files.isEmpty()) {
            throw new IOException("Hugging Face dataset " + uri.repo() + " has no .parquet files under '" + uri.path()
                    + "' at revision " + uri.revision() + " (commit " + commit + ")");
        }
        files.sort(Comparator.comparing(StoredFile::file));
        return files;
    }

    @Override
    public InputFile inputFile(String file, long length, String revision) {
        return new HttpRangeInputFile(client, client.resolveUrl(revision, file), length);
    }

    @Override
    public String rowUri(String file, long row) {
        return uri.rowUri(file, row);
    }

    @Override
    public void close() {
        // the HTTP client is shared and holds nothing per dataset
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}

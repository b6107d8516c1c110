package dev.imgsearch.store.lucene;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.imgsearch.model.ModelIdentity;
import java.io.IOException;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a sharded Lucene store is: its shards, each a complete Lucene index at one commit, and what they share (the
 * index settings and schema, the dimension, the model). Written last and atomically by every change of the store
 * ({@link StoreRoot#publish}), so a reader sees one whole state or the one before it, and a killed build leaves the
 * previous state readable.
 *
 * @param format    the manifest format, {@link #FORMAT}
 * @param version   counts the states published, from 1
 * @param shards    how many shards; a record's is {@link ShardRouting#shardOf}
 * @param settings  the index settings and schema as {@link LuceneIndexSettings#commitData()} keeps them
 * @param dimension the vector dimension, 0 before the first vector
 * @param model     the model whose embeddings the store holds, null while none is recorded
 * @param entries   one per shard, in shard order
 */
record StoreManifest(int format, long version, int shards, Map<String, String> settings, int dimension,
                     ModelIdentity model, List<ShardEntry> entries) implements Serializable {

    static final int FORMAT = 1;
    static final String FILE_NAME = "imgsearch-store.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    StoreManifest {
        Objects.requireNonNull(settings, "settings");
        entries = List.copyOf(entries);
        settings = Map.copyOf(settings);
        if (entries.size() != shards) {
            throw new IllegalArgumentException("a manifest of " + shards + " shards lists " + entries.size());
        }
    }

    /**
     * One shard as published.
     *
     * @param shard    its index
     * @param path     its directory, relative to the store's (a folder of {@code shards/}, or empty for the index of a
     *                 single-index store that the store's directory itself holds)
     * @param segments the file name of its commit point ({@code segments_N})
     * @param docs     its live records
     * @param files    every file of that commit, the commit point included
     */
    record ShardEntry(int shard, String path, String segments, long docs, List<ShardFile> files)
            implements Serializable {

        ShardEntry {
            files = List.copyOf(files);
        }

        long bytes() {
            return files.stream().mapToLong(ShardFile::length).sum();
        }

        /** The entry of the index in {@code local} at its latest commit, published under {@code path}. */
        static ShardEntry of(int shard, String path, java.nio.file.Path local, long docs) throws IOException {
            try (Directory directory = FSDirectory.open(local)) {
                SegmentInfos commit = SegmentInfos.readLatestCommit(directory);
                List<ShardFile> files = new ArrayList<>();
                for (String name : commit.files(true)) {
                    try (IndexInput in = directory.openInput(name, IOContext.READONCE)) {
                        files.add(new ShardFile(name, in.length(), CodecUtil.retrieveChecksum(in)));
                    }
                }
                files.sort(java.util.Comparator.comparing(ShardFile::name));
                return new ShardEntry(shard, path, commit.getSegmentsFileName(), docs, files);
            }
        }
    }

    /**
     * One file of a shard's commit.
     *
     * @param checksum the CRC32 that Lucene keeps in the file's footer
     */
    record ShardFile(String name, long length, long checksum) implements Serializable {
    }

    LuceneIndexSettings indexSettings(String where) {
        return LuceneIndexSettings.fromCommitData(settings, where);
    }

    long docs() {
        return entries.stream().mapToLong(ShardEntry::docs).sum();
    }

    /** The next state: these entries replace those of their shards. */
    StoreManifest next(List<ShardEntry> changed, int newDimension, ModelIdentity newModel) {
        List<ShardEntry> next = new ArrayList<>(entries);
        for (ShardEntry entry : changed) {
            next.set(entry.shard(), entry);
        }
        return new StoreManifest(FORMAT, version + 1, shards, settings, newDimension, newModel, next);
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a store manifest: " + e.getMessage(), e);
        }
    }

    static StoreManifest fromJson(byte[] json, String where) throws IOException {
        StoreManifest manifest = JSON.readValue(json, StoreManifest.class);
        if (manifest.format() != FORMAT) {
            throw new IOException(where + " has store manifest format " + manifest.format() + ", expected " + FORMAT);
        }
        return manifest;
    }
}

package dev.imgsearch.store.lucene;

import dev.imgsearch.store.lucene.StoreManifest.ShardEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a sharded store lives: its manifest and its shard folders ({@code shards/NAME/}, each a complete Lucene index
 * written once by one writer and never changed after it is published). Lucene itself only reads and writes local
 * folders, so this is what differs between a local directory ({@link LocalRoot}: shards are written and read in place)
 * and any Hadoop file system such as s3a ({@link HadoopRoot}: shards are built in local scratch and uploaded, and
 * readers work on a local copy checked against the manifest).
 */
interface StoreRoot {

    /** Shard folders live here, under the store's directory. */
    String SHARDS = "shards";

    /** The store's location, for messages. */
    String describe();

    /** The published manifest; empty when none has been (no store, or a single-index one). */
    Optional<StoreManifest> manifest() throws IOException;

    /** Replaces the manifest at once: a reader sees the old one or the new one, never a mix or none. */
    void publish(StoreManifest manifest) throws IOException;

    /** Whether the directory itself holds a Lucene index: a store made before stores had shards. */
    boolean holdsSingleIndex() throws IOException;

    /**
     * A local folder to write shard {@code name} in, holding a copy of {@code base} (a published shard) when given:
     * writing never changes a published shard.
     */
    Path writable(String name, Optional<ShardEntry> base) throws IOException;

    /** Publishes the shard written in {@code local} as {@code shards/NAME}, ready to be named by a manifest. */
    void upload(Path local, String name) throws IOException;

    /**
     * Checks that every file {@code entry} lists is published at its length, without reading it: what the driver of a
     * build sees of the shards its tasks wrote.
     *
     * @throws StoreException naming the first file missing or of another length
     */
    void verify(ShardEntry entry) throws IOException;

    /** A local folder holding shard {@code entry} as published (for a remote root, a checked local copy). */
    Path readable(ShardEntry entry) throws IOException;

    /** Deletes every shard folder {@code manifest} does not name: leftovers of killed, failed or replaced writers. */
    void removeUnreferenced(StoreManifest manifest) throws IOException;

    /**
     * Deletes the shard folders whose names start with {@code prefix}, what one writer wrote before it failed, then
     * the store's folders if that left them empty: a failed first build leaves nothing behind.
     */
    void removeWrittenBy(String prefix) throws IOException;

    /**
     * Keeps other writers of the store out until closed: they fail at once, naming the store. Where the file system
     * has no locks (object stores), writers must take turns by themselves.
     */
    AutoCloseable lockForWriting() throws IOException;
}

package dev.imgsearch.store.lucene;

import java.nio.charset.StandardCharsets;

/**
 * Which shard holds a record: a fixed function of its id and the shard count, so that every build, upsert, delete and
 * lookup of an id goes to the same shard, on any machine and in any version. FNV-1a (64 bits) over the id's UTF-8
 * bytes, spelled out here rather than borrowed from a library whose hash could change under us.
 */
final class ShardRouting {

    private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private ShardRouting() {
    }

    static int shardOf(String id, int shards) {
        if (shards == 1) {
            return 0;
        }
        long hash = OFFSET_BASIS;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= PRIME;
        }
        return (int) Long.remainderUnsigned(hash, shards);
    }
}

package dev.imgsearch.launch;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of a dataset one job embeds: embed's {@code --num-shards} and {@code --shard-index}. The embed job plans
 * the same shards in every job and keeps block {@code shardIndex} of {@code numShards}, so the jobs of one split
 * cover every shard exactly once.
 */
public record ShardAssignment(int numShards, int shardIndex) {

    public ShardAssignment {
        if (numShards < 1) {
            throw new IllegalArgumentException("the number of jobs must be at least 1, got " + numShards);
        }
        if (shardIndex < 0 || shardIndex >= numShards) {
            throw new IllegalArgumentException("job index " + shardIndex + " is not in [0, " + numShards + ")");
        }
    }

    /** Every part of a dataset split between {@code jobs} jobs, in order. */
    public static List<ShardAssignment> split(int jobs) {
        if (jobs < 1) {
            throw new IllegalArgumentException("the number of jobs must be at least 1, got " + jobs);
        }
        List<ShardAssignment> parts = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i++) {
            parts.add(new ShardAssignment(jobs, i));
        }
        return List.copyOf(parts);
    }
}

package dev.imgsearch.store;

import dev.imgsearch.model.ModelIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Sharded builds written as the build job writes them, one writer per shard, without Spark: for store and serve tests. */
public final class ShardedBuilds {

    private ShardedBuilds() {
    }

    /** Writes {@code upserts} and {@code deletes} into the store at {@code uri}, recording {@code model}, and publishes. */
    public static List<ShardedBuild.ShardResult> build(StoreUri uri, Optional<ModelIdentity> model,
                                                       List<VectorRecord> upserts, List<String> deletes) {
        try (ShardedBuild build = uri.openShardedBuild(upserts.size(), 2)) {
            model.ifPresent(build::recordModel);
            List<ShardedBuild.ShardResult> results = write(build.plan(), upserts, deletes);
            build.publish(results);
            return results;
        }
    }

    /** Each shard's share of {@code upserts} and {@code deletes}, written by its own writer; nothing is published. */
    public static List<ShardedBuild.ShardResult> write(ShardedBuild.Plan plan, List<VectorRecord> upserts,
                                                       List<String> deletes) {
        List<ShardedBuild.ShardResult> results = new ArrayList<>();
        for (int shard = 0; shard < plan.shards(); shard++) {
            int s = shard;
            try (ShardedBuild.ShardWriter writer = plan.open(shard, 0)) {
                List<VectorRecord> mine = upserts.stream().filter(r -> plan.shardOf(r.id()) == s).toList();
                if (!mine.isEmpty()) {
                    writer.store().upsert(mine);
                }
                List<String> gone = deletes.stream().filter(id -> plan.shardOf(id) == s).toList();
                if (!gone.isEmpty()) {
                    writer.store().delete(gone);
                }
                results.add(writer.finish());
            }
        }
        return results;
    }
}

package dev.imgsearch.jobs;

import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.ShardedBuild;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.VectorStore;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.TaskContext;
import scala.Tuple2;

/**
 * The executor side of a sharded build: every embeddings row routed to one shard in, that shard written and what
 * changed in it counted out. The task reads the stored (id, sha256) keys of its own shard, from the copy it writes,
 * and decides there what is new, changed, unchanged or gone, so no key of the store ever travels to the driver.
 */
final class ShardBuildTask {

    /**
     * One shard's part of a build.
     *
     * @param result    the written shard, for the driver to publish
     * @param written   rows upserted (new, or stored with other image bytes)
     * @param removed   records deleted because no row has their id
     */
    record Outcome(ShardedBuild.ShardResult result, long written, long removed)
            implements Serializable {
    }

    private ShardBuildTask() {
    }

    static Outcome run(ShardedBuild.Plan plan, int shard, Iterator<Tuple2<Integer, EmbeddingRecord>> records, BuildJob.Removal removal,
            int batchSize) {
        TaskContext task = TaskContext.get();
        try (ShardedBuild.ShardWriter writer = plan.open(shard, task == null ? 0 : task.attemptNumber())) {
            VectorStore store = writer.store();
            Map<String, String> stored = new HashMap<>();
            store.forEachRecord(MetadataSchema.SHA256,
                    (id, sha256) -> stored.put(id, sha256 == null ? null : sha256.toString()));
            Set<String> missing = removal == BuildJob.Removal.KEEP ? new HashSet<>() : new HashSet<>(stored.keySet());
            long written = 0;
            List<VectorRecord> batch = new ArrayList<>(batchSize);
            while (records.hasNext()) {
                EmbeddingRecord record = records.next()._2();
                missing.remove(record.id());
                if (record.sha256().equals(stored.get(record.id()))) {
                    continue;
                }
                written++;
                batch.add(VectorRecord.of(record));
                if (batch.size() == batchSize) {
                    store.upsert(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                store.upsert(batch);
            }
            List<String> gone = new ArrayList<>(missing);
            for (int i = 0; i < gone.size(); i += batchSize) {
                store.delete(gone.subList(i, Math.min(gone.size(), i + batchSize)));
            }
            return new Outcome(writer.finish(), written, gone.size());
        }
    }
}

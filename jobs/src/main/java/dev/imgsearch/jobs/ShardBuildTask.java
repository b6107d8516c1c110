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
 *
 * <p>The rows are read here for the first time, so their dimensions are checked here too: a task that meets a row
 * of another dimension than its first row's, or than the store's, stops, discards its shard and reports the
 * dimensions it saw, for the driver to refuse the build with; it does not fail, which Spark would only retry.
 */
final class ShardBuildTask {

    /**
     * One shard's part of a build.
     *
     * @param result      the written shard, for the driver to publish; null when the task refused its rows
     * @param rows        rows routed to the shard (when refused, those read before it stopped)
     * @param written     rows upserted (new, or stored with other image bytes)
     * @param removed     records deleted because no row has their id
     * @param dimension   the dimension of the shard's first row, 0 when it had none
     * @param conflicting a dimension other than {@code dimension} seen among its rows, 0 when none
     */
    record Outcome(ShardedBuild.ShardResult result, long rows, long written, long removed, int dimension,
            int conflicting) implements Serializable {
    }

    private ShardBuildTask() {
    }

    /** @param storeDimension the store's dimension before the build, 0 when it holds no vector */
    static Outcome run(ShardedBuild.Plan plan, int shard, Iterator<Tuple2<Integer, EmbeddingRecord>> records,
            int storeDimension, BuildJob.Removal removal, int batchSize) {
        TaskContext task = TaskContext.get();
        try (ShardedBuild.ShardWriter writer = plan.open(shard, task == null ? 0 : task.attemptNumber())) {
            VectorStore store = writer.store();
            Map<String, String> stored = new HashMap<>();
            store.forEachRecord(MetadataSchema.SHA256,
                    (id, sha256) -> stored.put(id, sha256 == null ? null : sha256.toString()));
            Set<String> missing = removal == BuildJob.Removal.KEEP ? new HashSet<>() : new HashSet<>(stored.keySet());
            long rows = 0;
            long written = 0;
            int dimension = 0;
            List<VectorRecord> batch = new ArrayList<>(batchSize);
            while (records.hasNext()) {
                EmbeddingRecord record = records.next()._2();
                rows++;
                int length = record.embedding().length;
                if (dimension == 0) {
                    dimension = length;
                }
                if (length != dimension) {
                    return new Outcome(null, rows, 0, 0, dimension, length);
                }
                if (storeDimension != 0 && length != storeDimension) {
                    return new Outcome(null, rows, 0, 0, dimension, 0);
                }
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
            return new Outcome(writer.finish(), rows, written, gone.size(), dimension, 0);
        }
    }
}

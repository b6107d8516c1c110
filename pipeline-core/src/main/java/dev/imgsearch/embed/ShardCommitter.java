package dev.imgsearch.embed;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.record.RecordParquetWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Exactly-once output of the embed job, one shard at a time, on any Hadoop file system.
 *
 * <p>Layout under the output root: {@code embeddings/part-SHARD.parquet}, {@code errors/part-SHARD.parquet} and the
 * commit marker {@code _committed/SHARD.json}. Every file becomes visible whole or not at all: it is written under a
 * hidden temporary name (readers such as Spark, pyarrow and DuckDB skip names starting with '.') and renamed, which is
 * atomic on local and HDFS-like file systems and a server-side copy on S3, where the copied object appears whole. The
 * marker is written last, so a shard is committed only when both of its files are complete; a crashed shard is simply
 * redone, and its deterministic file names and record ids make the redo replace rather than duplicate.
 */
public final class ShardCommitter {

    static final String EMBEDDINGS = "embeddings";
    static final String ERRORS = "errors";
    static final String COMMITTED = "_committed";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Configuration conf;
    private final FileSystem fs;

    public ShardCommitter(String outputRoot, Configuration conf) throws IOException {
        this.root = new Path(outputRoot);
        this.conf = conf;
        this.fs = root.getFileSystem(conf);
        if (fs instanceof LocalFileSystem local) {
            local.setWriteChecksum(false);
        }
    }

    /** Ids of the shards whose output is complete. */
    public Set<String> committedShardIds() throws IOException {
        Set<String> ids = new TreeSet<>();
        Path dir = new Path(root, COMMITTED);
        if (!fs.exists(dir)) {
            return ids;
        }
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            if (name.endsWith(".json")) {
                ids.add(name.substring(0, name.length() - ".json".length()));
            }
        }
        return ids;
    }

    /**
     * Deletes the output of every shard whose id is not in {@code planned}, committed or not. Shard ids fingerprint
     * their inputs, so when the input changes, the shards that covered the old input are replaced by new ones; their
     * old files must go, or the images they hold would appear twice.
     *
     * @return the ids whose output was removed
     */
    public Set<String> removeShardsNotIn(Set<String> planned) throws IOException {
        Set<String> removed = new TreeSet<>();
        for (String dir : new String[] {EMBEDDINGS, ERRORS}) {
            Path path = new Path(root, dir);
            if (!fs.exists(path)) {
                continue;
            }
            for (FileStatus status : fs.listStatus(path)) {
                String name = status.getPath().getName();
                if (name.startsWith("part-") && name.endsWith(".parquet")) {
                    String id = name.substring("part-".length(), name.length() - ".parquet".length());
                    if (!planned.contains(id)) {
                        fs.delete(status.getPath(), false);
                        removed.add(id);
                    }
                }
            }
        }
        for (String id : committedShardIds()) {
            if (!planned.contains(id)) {
                fs.delete(markerPath(id), false);
                removed.add(id);
            }
        }
        return removed;
    }

    /** The summary recorded when the shard was committed. */
    public ShardSummary readSummary(String shardId) throws IOException {
        try (var in = fs.open(markerPath(shardId))) {
            return JSON.readValue(in.getWrappedStream(), ShardSummary.class);
        }
    }

    /** Starts writing a shard; nothing is visible to readers until {@link PendingShard#commit}. */
    public PendingShard begin(String shardId) throws IOException {
        return new PendingShard(shardId);
    }

    public Path root() {
        return root;
    }

    private Path markerPath(String shardId) {
        return new Path(new Path(root, COMMITTED), shardId + ".json");
    }

    private Path stagingPath(Path target) {
        return new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    }

    private void publish(Path staged, Path target) throws IOException {
        // Local rename(2) replaces atomically; HDFS-like file systems refuse to replace, so clear the stale copy first.
        if (!fs.rename(staged, target)) {
            fs.delete(target, false);
            if (!fs.rename(staged, target)) {
                throw new IOException("could not move " + staged + " to " + target);
            }
        }
    }

    /** A shard being written: its two Parquet outputs, then its commit. */
    public final class PendingShard implements AutoCloseable {

        private final String shardId;
        private final Path embeddingsTarget;
        private final Path errorsTarget;
        private final Path embeddingsStaged;
        private final Path errorsStaged;
        private final RecordParquetWriter embeddings;
        private final RecordParquetWriter errors;
        private boolean closed;

        private PendingShard(String shardId) throws IOException {
            this.shardId = shardId;
            this.embeddingsTarget = new Path(new Path(root, EMBEDDINGS), "part-" + shardId + ".parquet");
            this.errorsTarget = new Path(new Path(root, ERRORS), "part-" + shardId + ".parquet");
            this.embeddingsStaged = stagingPath(embeddingsTarget);
            this.errorsStaged = stagingPath(errorsTarget);
            this.embeddings = RecordParquetWriter.forEmbeddings(embeddingsStaged, conf);
            this.errors = RecordParquetWriter.forErrors(errorsStaged, conf);
        }

        public RecordParquetWriter embeddings() {
            return embeddings;
        }

        public RecordParquetWriter errors() {
            return errors;
        }

        /** Publishes both files, then the marker holding {@code summary}. */
        public void commit(ShardSummary summary) throws IOException {
            closeWriters();
            publish(errorsStaged, errorsTarget);
            publish(embeddingsStaged, embeddingsTarget);
            Path marker = markerPath(shardId);
            Path stagedMarker = stagingPath(marker);
            try (OutputStream out = fs.create(stagedMarker, true)) {
                out.write(JSON.writeValueAsBytes(summary));
            }
            publish(stagedMarker, marker);
        }

        /** Drops a shard that was not committed, leaving no partial file behind. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closeWriters();
            fs.delete(embeddingsStaged, false);
            fs.delete(errorsStaged, false);
        }

        private void closeWriters() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                embeddings.close();
            } finally {
                errors.close();
            }
        }
    }
}

package dev.imgsearch.embed;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.record.RecordParquetWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Exactly-once output of the embed job, one shard at a time, into an {@link EmbedOutput}.
 *
 * <p>Every file becomes visible whole or not at all: it is written under a hidden staging name and renamed, which is
 * atomic on local and HDFS-like file systems and a server-side copy on S3, where the copied object appears whole. The
 * marker is written last, so a shard is committed only when both of its files are complete; a crashed shard is simply
 * redone, and its deterministic file names and record ids make the redo replace rather than duplicate.
 */
public final class ShardCommitter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbedOutput output;
    private final FileSystem fs;

    public ShardCommitter(EmbedOutput output) {
        this.output = output;
        this.fs = output.fileSystem();
    }

    public EmbedOutput output() {
        return output;
    }

    /**
     * Deletes every file (parts, marker, staging files) of the shards whose id is not in {@code planned}, committed or
     * not. Shard ids fingerprint their inputs, so when the input changes, the shards that covered the old input are
     * replaced by new ones; their files must go, or the images they hold would appear twice. Whether a run may do
     * this to committed shards is {@link RerunCheck}'s decision, taken before.
     *
     * @return the ids whose files were removed
     */
    public Set<String> removeShardsNotIn(Set<String> planned) throws IOException {
        Set<String> removed = new TreeSet<>();
        for (EmbedOutput.ShardFile file : output.shardFiles()) {
            if (!planned.contains(file.shardId())) {
                fs.delete(file.path(), false);
                removed.add(file.shardId());
            }
        }
        return removed;
    }

    /**
     * Deletes the staging files of the shards {@code settled} accepts: ones no attempt of this run is writing (left
     * by attempts that were killed, or ran out of disk).
     *
     * @return how many files were deleted
     */
    public int removeStagingFiles(Predicate<String> settled) throws IOException {
        int removed = 0;
        for (EmbedOutput.ShardFile file : output.shardFiles()) {
            if (file.staging() && settled.test(file.shardId()) && fs.delete(file.path(), false)) {
                removed++;
            }
        }
        return removed;
    }

    /** Starts writing a shard; nothing is visible to readers until {@link PendingShard#commit}. */
    public PendingShard begin(String shardId) throws IOException {
        return new PendingShard(shardId);
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
        private final String attempt = UUID.randomUUID().toString();
        private final Path embeddingsTarget;
        private final Path errorsTarget;
        private final Path embeddingsStaged;
        private final Path errorsStaged;
        private final RecordParquetWriter embeddings;
        private final RecordParquetWriter errors;
        private boolean closed;

        private PendingShard(String shardId) throws IOException {
            this.shardId = shardId;
            this.embeddingsTarget = output.embeddingsPart(shardId);
            this.errorsTarget = output.errorsPart(shardId);
            this.embeddingsStaged = EmbedOutput.staging(embeddingsTarget, attempt);
            this.errorsStaged = EmbedOutput.staging(errorsTarget, attempt);
            this.embeddings = RecordParquetWriter.forEmbeddings(embeddingsStaged, output.conf());
            this.errors = RecordParquetWriter.forErrors(errorsStaged, output.conf());
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
            // Before any part is published: a folder of parts without a markers folder is not an embed output.
            fs.mkdirs(output.committedDir());
            publish(errorsStaged, errorsTarget);
            publish(embeddingsStaged, embeddingsTarget);
            Path marker = output.marker(shardId);
            Path stagedMarker = EmbedOutput.staging(marker, attempt);
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
            try {
                closeWriters();
            } finally {
                fs.delete(embeddingsStaged, false);
                fs.delete(errorsStaged, false);
            }
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

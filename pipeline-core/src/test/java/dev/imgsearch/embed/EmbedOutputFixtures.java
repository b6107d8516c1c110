package dev.imgsearch.embed;

import dev.imgsearch.model.ModelIdentity;
import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.FailedImage;
import dev.imgsearch.record.RecordIds;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/** Embed outputs written through the real committer, without a model or Spark: for tests of what reads them. */
public final class EmbedOutputFixtures {

    public static final Provenance PROVENANCE = new Provenance(new ModelIdentity("tiny", "ab".repeat(32)), "pre", 8);

    private EmbedOutputFixtures() {
    }

    /** A unit-length 2-d row for {@code uri}, made by model {@code model}. */
    public static EmbeddingRecord row(String uri, String model) {
        return new EmbeddingRecord(RecordIds.forUri(uri), uri, 2, 3, "0".repeat(64), model, new float[] {0.6f, 0.8f},
                null);
    }

    /** Writes and commits shard {@code id} of {@code rows} embeddings and one error row into {@code output}. */
    public static void commitShard(Path output, String id, int rows, Provenance provenance) throws IOException {
        commitShard(new ShardCommitter(EmbedOutput.at(output.toString(), new Configuration())), id, rows, provenance);
    }

    /** How many shards of the embed output at {@code output} are committed (none if it does not exist yet). */
    public static int committedShards(Path output) throws IOException {
        return EmbedOutput.at(output.toString(), new Configuration()).committedShardIds().size();
    }

    static void commitShard(ShardCommitter committer, String id, int rows, Provenance provenance) throws IOException {
        try (ShardCommitter.PendingShard pending = committer.begin(id)) {
            for (int i = 0; i < rows; i++) {
                pending.embeddings().write(row("file:/" + id + "/" + i + ".png", provenance.model().name()));
            }
            pending.errors().write(new FailedImage("e", "file:/" + id + "/bad.png", "decode", "truncated"));
            pending.commit(new ShardSummary(id, rows, 1, 0.5, provenance));
        }
    }
}

package dev.imgsearch.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.record.EmbeddingRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exactly-once core: what readers see of a shard before, during and after its commit, and what is removed. */
class ShardCommitterTest {

    private static final Provenance PROVENANCE = EmbedOutputFixtures.PROVENANCE;

    @TempDir
    Path tmp;
    private EmbedOutput output;
    private ShardCommitter committer;

    @BeforeEach
    void setUp() throws IOException {
        output = EmbedOutput.at(tmp.resolve("out").toString(), new Configuration());
        committer = new ShardCommitter(output);
    }

    private static EmbeddingRecord row(String uri) {
        return EmbedOutputFixtures.row(uri, "tiny");
    }

    private static void commitShard(ShardCommitter committer, String id, int rows) throws IOException {
        EmbedOutputFixtures.commitShard(committer, id, rows, PROVENANCE);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> all = Files.walk(tmp.resolve("out"))) {
            return all.filter(Files::isRegularFile).map(p -> tmp.resolve("out").relativize(p).toString()).sorted()
                    .toList();
        }
    }

    private static int count(Iterator<?> it) {
        int n = 0;
        for (; it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    @Test
    void aCommittedShardHasBothPartsAndItsMarkerAndNoStagingFile() throws IOException {
        commitShard(committer, "00000-aa", 3);

        assertEquals(List.of("_committed/00000-aa.json", "embeddings/part-00000-aa.parquet",
                "errors/part-00000-aa.parquet"), files());
        assertEquals(Set.of("00000-aa"), output.committedShardIds());
        ShardSummary marker = output.readMarker("00000-aa");
        assertEquals(new ShardSummary("00000-aa", 3, 1, 0.5, PROVENANCE), marker);
        assertEquals(3, count(Embeddings.at(output.root().toString(), new Configuration()).read()));
        assertEquals(PROVENANCE, output.provenance().orElseThrow());
    }

    @Test
    void nothingIsVisibleBeforeTheCommitAndNothingIsLeftWhenAShardIsDropped() throws IOException {
        try (ShardCommitter.PendingShard pending = committer.begin("00000-aa")) {
            pending.embeddings().write(row("file:/a.png"));
            assertEquals(Set.of(), output.committedShardIds());
            assertTrue(output.committedEmbeddingFiles().isEmpty());
        }
        assertEquals(List.of(), files(), "a dropped shard leaves no file");
    }

    @Test
    void partsPublishedWithoutTheirMarkerAreNotPartOfTheOutputAndARedoReplacesThem() throws IOException {
        commitShard(committer, "00000-aa", 2);
        commitShard(committer, "00001-bb", 4);
        // A crash between publishing the parts and writing the marker.
        Files.delete(tmp.resolve("out/_committed/00001-bb.json"));

        assertTrue(output.isEmbedOutput());
        assertEquals(List.of("part-00000-aa.parquet"),
                output.committedEmbeddingFiles().stream().map(p -> p.getName()).toList());
        assertEquals(2, count(Embeddings.at(output.root().toString(), new Configuration()).read()));

        commitShard(committer, "00001-bb", 4);
        assertEquals(6, count(Embeddings.at(output.root().toString(), new Configuration()).read()));
        assertEquals(2, output.committedErrorFiles().size());
    }

    @Test
    void stagingFilesOfKilledAttemptsAreRemovedOnlyForTheShardsNamed() throws IOException {
        commitShard(committer, "00000-aa", 1);
        Path embeddings = tmp.resolve("out/embeddings");
        Files.createFile(embeddings.resolve(".part-00000-aa.parquet.1111.tmp"));
        Files.createFile(tmp.resolve("out/errors/.part-00000-aa.parquet.1111.tmp"));
        Files.createFile(tmp.resolve("out/_committed/.00000-aa.json.1111.tmp"));
        Files.createFile(embeddings.resolve(".part-00002-cc.parquet.2222.tmp"));

        assertEquals(3, committer.removeStagingFiles("00000-aa"::equals));
        assertEquals(List.of("_committed/00000-aa.json", "embeddings/.part-00002-cc.parquet.2222.tmp",
                "embeddings/part-00000-aa.parquet", "errors/part-00000-aa.parquet"), files());
    }

    @Test
    void removingShardsNotInThePlanRemovesTheirEveryFileAndNothingElse() throws IOException {
        commitShard(committer, "00000-aa", 1);
        commitShard(committer, "00001-bb", 1);
        Files.createFile(tmp.resolve("out/embeddings/.part-00001-bb.parquet.3333.tmp"));
        Files.createFile(tmp.resolve("out/embeddings/part-00009-zz.parquet"));
        Files.writeString(tmp.resolve("out/run-report.json"), "{}");
        Files.writeString(tmp.resolve("out/embeddings/NOTES.txt"), "mine");

        Set<String> removed = committer.removeShardsNotIn(Set.of("00000-aa"));

        assertEquals(Set.of("00001-bb", "00009-zz"), removed);
        assertEquals(List.of("_committed/00000-aa.json", "embeddings/NOTES.txt", "embeddings/part-00000-aa.parquet",
                "errors/part-00000-aa.parquet", "run-report.json"), files());
    }

    @Test
    void aFolderOfPartsWithoutMarkersIsPlainParquetNotAnEmbedOutput() throws IOException {
        commitShard(committer, "00000-aa", 2);
        Path plain = tmp.resolve("plain");
        Files.createDirectories(plain.resolve("embeddings"));
        Files.copy(tmp.resolve("out/embeddings/part-00000-aa.parquet"), plain.resolve("embeddings/part-0.parquet"));

        EmbedOutput other = EmbedOutput.at(plain.toString(), new Configuration());
        assertFalse(other.isEmbedOutput());
        Embeddings embeddings = Embeddings.at(plain.toString(), new Configuration());
        assertEquals(2, count(embeddings.read()));
        assertTrue(embeddings.provenance().isEmpty());
    }
}

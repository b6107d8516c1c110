package dev.imgsearch.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.source.DatasetFiles;
import dev.imgsearch.source.Shards;
import dev.imgsearch.source.folder.FileListShard;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardAssignmentTest {

    /** The embed job's plan of a dataset of {@code images} files, {@code shardSize} per shard. */
    private static List<FileListShard> plan(int images, int shardSize) {
        List<FileListShard> plan = new ArrayList<>();
        for (int first = 0; first < images; first += shardSize) {
            List<FileListShard.Entry> files = new ArrayList<>();
            for (int i = first; i < Math.min(images, first + shardSize); i++) {
                files.add(new FileListShard.Entry(new DatasetFiles.StoredFile("img-" + i + ".png",
                        "file:/data/img-" + i + ".png", 1000, "0", null), null, null, null, List.of()));
            }
            plan.add(new FileListShard(String.format("%05d", plan.size()), files));
        }
        return plan;
    }

    @Test
    void theJobsOfASplitEmbedEveryImageExactlyOnce() {
        for (int images : new int[] {0, 1, 2, 3, 7, 10, 255, 256, 257, 1000, 4099}) {
            for (int shardSize : new int[] {1, 3, 256}) {
                List<FileListShard> plan = plan(images, shardSize);
                for (int jobs = 1; jobs <= 40; jobs++) {
                    List<String> embedded = new ArrayList<>();
                    int fewest = Integer.MAX_VALUE;
                    int most = 0;
                    for (ShardAssignment part : ShardAssignment.split(jobs)) {
                        List<FileListShard> mine = Shards.forWorker(plan, part.shardIndex(), part.numShards());
                        mine.forEach(shard -> shard.files().forEach(file -> embedded.add(file.file().uri())));
                        fewest = Math.min(fewest, mine.size());
                        most = Math.max(most, mine.size());
                    }
                    String run = images + " images, " + shardSize + " per shard, " + jobs + " jobs";
                    assertEquals(images, embedded.size(), run);
                    assertEquals(images, new HashSet<>(embedded).size(), run + ": an image twice");
                    assertTrue(most - fewest <= 1, run + ": jobs of " + fewest + " to " + most + " shards");
                }
            }
        }
    }

    @Test
    void aSplitHasOnePartPerJobNumberedFromZero() {
        List<ShardAssignment> parts = ShardAssignment.split(3);
        assertEquals(List.of(new ShardAssignment(3, 0), new ShardAssignment(3, 1), new ShardAssignment(3, 2)), parts);
    }

    @Test
    void impossiblePartsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ShardAssignment.split(0));
        assertThrows(IllegalArgumentException.class, () -> new ShardAssignment(4, 4));
        assertThrows(IllegalArgumentException.class, () -> new ShardAssignment(4, -1));
    }
}

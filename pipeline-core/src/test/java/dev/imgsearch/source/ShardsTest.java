package dev.imgsearch.source;

import dev.imgsearch.source.folder.FileListShard;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardsTest {

    private static List<Shard> plan(int size) {
        return IntStream.range(0, size)
                .mapToObj(i -> (Shard) new FileListShard(Shards.number(i, size), List.of(new FileListShard.Entry(
                        new DatasetFiles.StoredFile(i + ".png", "file:/x/" + i + ".png", i, "0", null),
                        null, null, null, List.of()))))
                .toList();
    }

    @Test
    void workersTogetherCoverThePlanExactlyOnceInOrder() {
        for (int size = 0; size <= 23; size++) {
            List<Shard> plan = plan(size);
            for (int workers = 1; workers <= 9; workers++) {
                List<Shard> union = new ArrayList<>();
                int smallest = Integer.MAX_VALUE;
                int largest = 0;
                for (int w = 0; w < workers; w++) {
                    List<Shard> mine = Shards.forWorker(plan, w, workers);
                    smallest = Math.min(smallest, mine.size());
                    largest = Math.max(largest, mine.size());
                    union.addAll(mine);
                }
                assertEquals(plan, union, size + " shards over " + workers + " workers");
                assertTrue(largest - smallest <= 1, "balanced: " + smallest + ".." + largest);
            }
        }
    }

    @Test
    void rejectsImpossibleWorkerNumbers() {
        List<Shard> plan = plan(4);
        assertThrows(IllegalArgumentException.class, () -> Shards.forWorker(plan, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Shards.forWorker(plan, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> Shards.forWorker(plan, -1, 3));
    }

    @Test
    void idsAreFilenameSafeAndSortLikeNumbers() {
        assertEquals("default-train-0000", Shards.filenameSafe("default/train/0000"));
        assertEquals("a_b_c.d-e", Shards.filenameSafe("a b:c.d-e"));
        assertEquals("00042", Shards.number(42, 100));
        assertEquals("000042", Shards.number(42, 123_456));
        assertTrue(Shards.number(9, 100_001).compareTo(Shards.number(10, 100_001)) < 0);
    }

    @Test
    void duplicateIdsAreRejected() {
        Shard a = new FileListShard("00000", List.of());
        assertThrows(IllegalStateException.class, () -> Shards.requireUniqueIds(List.of(a, a)));
    }
}

package dev.imgsearch.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.embed.RerunCheck.RefusedRerunException;
import dev.imgsearch.embed.RerunCheck.Stale;
import dev.imgsearch.model.ModelIdentity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RerunCheckTest {

    private static final ModelIdentity MODEL = new ModelIdentity("tiny", "ab".repeat(32));
    private static final Provenance RUN = new Provenance(MODEL, "pre", 100);

    private static Map<String, ShardSummary> committed(int shards, Provenance provenance) {
        Map<String, ShardSummary> committed = new LinkedHashMap<>();
        for (int i = 0; i < shards; i++) {
            String id = "s" + i;
            committed.put(id, new ShardSummary(id, 99, 1, 1.0, provenance));
        }
        return committed;
    }

    private static Set<String> planOf(int from, int to) {
        return java.util.stream.IntStream.range(from, to).mapToObj(i -> "s" + i)
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void anEmptyInputOverCommittedShardsIsRefusedWithWhatItWouldRemove() {
        RefusedRerunException e = assertThrows(RefusedRerunException.class,
                () -> RerunCheck.check("out/", "/mnt/images", committed(40, RUN), Set.of(), RUN, Stale.GUARD));
        assertEquals("/mnt/images holds no images, and this run would remove all 40 of 40 committed shards (4,000 "
                + "images) of out/: check --input (an unmounted volume? a mistyped prefix?), or pass --prune-stale "
                + "to remove them", e.getMessage());
    }

    @Test
    void mostCommittedShardsGoneIsRefusedAFewAreRemoved() {
        RefusedRerunException e = assertThrows(RefusedRerunException.class,
                () -> RerunCheck.check("out", "in/sub", committed(40, RUN), planOf(0, 10), RUN, Stale.GUARD));
        assertTrue(e.getMessage().startsWith("this run would remove 30 of 40 committed shards (3,000 images) of out"),
                e.getMessage());

        assertEquals(Set.of("s38", "s39"),
                RerunCheck.check("out", "in", committed(40, RUN), planOf(0, 38), RUN, Stale.GUARD));
    }

    @Test
    void pruneStaleRemovesWhatTheUserAskedFor() {
        assertEquals(40, RerunCheck.check("out", "in", committed(40, RUN), Set.of(), RUN, Stale.PRUNE).size());
    }

    @Test
    void anotherShardSizeIsRefusedBecauseItRedoesEveryShard() {
        Provenance bigger = new Provenance(MODEL, "pre", 512);
        RefusedRerunException e = assertThrows(RefusedRerunException.class,
                () -> RerunCheck.check("out", "in", committed(4, RUN), Set.of("new0"), bigger, Stale.GUARD));
        assertTrue(e.getMessage().startsWith("out was embedded with --shard-size 100; this run's --shard-size 512 "
                + "would redo 4 of 4 committed shards (400 images)"), e.getMessage());
    }

    @Test
    void anotherModelOrPreprocessingIsRefusedEvenWithPruneStale() {
        Provenance other = new Provenance(new ModelIdentity("tiny", "cd".repeat(32)), "pre", 100);
        RefusedRerunException model = assertThrows(RefusedRerunException.class,
                () -> RerunCheck.check("out", "in", committed(3, RUN), planOf(0, 3), other, Stale.PRUNE));
        assertTrue(model.getMessage().startsWith("out holds embeddings of model tiny (sha256 abababababab); this "
                + "run's model is tiny (sha256 cdcdcdcdcdcd)"), model.getMessage());

        Provenance preprocessed = new Provenance(MODEL, "other", 100);
        assertThrows(RefusedRerunException.class,
                () -> RerunCheck.check("out", "in", committed(3, RUN), planOf(0, 3), preprocessed, Stale.GUARD));
    }

    @Test
    void markersWrittenBeforeProvenanceWasRecordedDoNotBlockARun() {
        assertEquals(Set.of(), RerunCheck.check("out", "in", committed(3, null), planOf(0, 3), RUN, Stale.GUARD));
    }
}

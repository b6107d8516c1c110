package dev.imgsearch.embed;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, before a run touches an existing output, whether it may go ahead. A run removes the committed shards its
 * plan no longer has (their images would otherwise appear twice), so a wrong input — an unmounted volume, a mistyped
 * prefix, a subfolder — or a different shard size would delete committed work. Such a run stops with one line saying
 * how much it would remove and why, unless the user asked for it ({@link Stale#PRUNE}, {@code --prune-stale}). A run
 * with another model or preprocessing never goes ahead: one output holds one model's embeddings.
 */
public final class RerunCheck {

    /** What a run may do with committed shards that its plan no longer has. */
    public enum Stale {
        /** Remove a few (files changed); refuse to remove all of them, or most, or to redo every shard. */
        GUARD,
        /** Remove them all, as asked. */
        PRUNE
    }

    /** More than this fraction of the committed shards gone from the plan is a wrong input more often than not. */
    static final double MAX_STALE_FRACTION = 0.5;

    private RerunCheck() {
    }

    /**
     * @param output    where the run writes, for messages
     * @param input     what the run reads, for messages
     * @param committed the output's committed shards
     * @param planned   the ids of every shard of the run's plan (all workers' parts)
     * @param run       what the run embeds with
     * @return the committed shards the run will remove
     * @throws RefusedRerunException when the run must not go ahead
     */
    public static Set<String> check(String output, String input, Map<String, ShardSummary> committed,
            Set<String> planned, Provenance run, Stale stale) {
        for (ShardSummary shard : committed.values()) {
            Provenance earlier = shard.provenance();
            if (earlier != null && !earlier.model().sameModelAs(run.model())) {
                throw new RefusedRerunException(output + " holds embeddings of model " + earlier.model()
                        + "; this run's model is " + run.model() + ": embed into another --output, or use the model "
                        + "it was made with");
            }
            if (earlier != null && !earlier.preprocessing().equals(run.preprocessing())) {
                throw new RefusedRerunException(output + " holds embeddings preprocessed as '" + earlier.preprocessing()
                        + "'; this run preprocesses as '" + run.preprocessing() + "': embed into another --output");
            }
        }
        Set<String> gone = new TreeSet<>(committed.keySet());
        gone.removeAll(planned);
        if (gone.isEmpty() || stale == Stale.PRUNE) {
            return gone;
        }
        long images = gone.stream().mapToLong(id -> committed.get(id).inputs()).sum();
        String amount = gone.size() + " of " + committed.size() + " committed shards (" + count(images) + " images)";
        if (planned.isEmpty()) {
            throw new RefusedRerunException(input + " holds no images, and this run would remove all " + amount
                    + " of " + output + ": check --input (an unmounted volume? a mistyped prefix?), or pass "
                    + "--prune-stale to remove them");
        }
        Integer earlierSize = committed.values().stream().map(ShardSummary::provenance)
                .filter(p -> p != null && p.shardSize() != run.shardSize()).map(Provenance::shardSize)
                .findFirst().orElse(null);
        if (earlierSize != null) {
            throw new RefusedRerunException(output + " was embedded with --shard-size " + earlierSize + "; this run's "
                    + "--shard-size " + run.shardSize() + " would redo " + amount + ": pass --shard-size "
                    + earlierSize + ", or --prune-stale to redo them");
        }
        if (gone.size() > MAX_STALE_FRACTION * committed.size()) {
            throw new RefusedRerunException("this run would remove " + amount + " of " + output + ", which " + input
                    + " no longer has: check --input, or pass --prune-stale to remove them");
        }
        return gone;
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A run that would lose committed work, or mix models, and was stopped before it touched anything. */
    public static final class RefusedRerunException extends IllegalStateException {
        RefusedRerunException(String message) {
            super(message);
        }
    }
}

package dev.imgsearch.source;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What planning a dataset found.
 *
 * @param shards  the shards, in a deterministic order with unique ids
 * @param skipped files the listing passed over, counted by reason ("not images by name", "hidden"), sorted by reason
 * @param partial true when the input is knowingly only part of a dataset (a partial Hugging Face Parquet export
 *                taken with {@code --allow-partial}); run reports say so
 */
public record SourcePlan(List<Shard> shards, Map<String, Long> skipped, boolean partial) {

    public static final String NOT_IMAGES = "not images by name";
    public static final String HIDDEN = "hidden";

    public SourcePlan {
        shards = Shards.requireUniqueIds(shards);
        skipped = new TreeMap<>(skipped.entrySet().stream().filter(e -> e.getValue() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /** E.g. "3 not images by name, 1 hidden"; empty when nothing was skipped. */
    public String skippedSummary() {
        return summary(skipped);
    }

    /** Counts by reason as one phrase: "3 not images by name, 1 hidden". */
    public static String summary(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }
}

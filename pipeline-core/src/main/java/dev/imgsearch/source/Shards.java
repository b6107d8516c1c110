package dev.imgsearch.source;

import dev.imgsearch.record.RecordIds;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Splitting a plan between independent workers, and the shard id scheme. */
public final class Shards {

    private Shards() {
    }

    /**
     * The shards worker {@code workerIndex} of {@code workerCount} processes: a contiguous block of the plan,
     * sizes differing by at most one. Over all workers the blocks cover the plan exactly once, in order.
     */
    public static <S extends Shard> List<S> forWorker(List<S> plan, int workerIndex, int workerCount) {
        if (workerCount < 1) {
            throw new IllegalArgumentException("number of workers must be at least 1, got " + workerCount);
        }
        if (workerIndex < 0 || workerIndex >= workerCount) {
            throw new IllegalArgumentException(
                    "worker index must be in [0, " + workerCount + "), got " + workerIndex);
        }
        int size = plan.size();
        int from = (int) ((long) size * workerIndex / workerCount);
        int to = (int) ((long) size * (workerIndex + 1) / workerCount);
        return List.copyOf(plan.subList(from, to));
    }

    public static void requirePositive(int itemsPerShard) {
        if (itemsPerShard < 1) {
            throw new IllegalArgumentException("items per shard must be at least 1, got " + itemsPerShard);
        }
    }

    /** First 8 hex digits of SHA-256 over the given parts, separated by newlines. */
    public static String fingerprint(List<String> parts) {
        return RecordIds.sha256Hex(String.join("\n", parts).getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    }

    /** A readable, filename-safe stem: separators become '-', other unsafe characters '_'. */
    public static String filenameSafe(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '/' || c == '\\') {
                out.append('-');
            } else if (c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
                out.append(c);
            } else {
                out.append('_');
            }
        }
        return out.toString();
    }

    /** Zero-padded shard number, at least five digits, wide enough that ids sort like numbers. */
    public static String number(int index, int count) {
        int width = Math.max(5, Integer.toString(Math.max(0, count - 1)).length());
        return String.format("%0" + width + "d", index);
    }

    public static <S extends Shard> List<S> requireUniqueIds(List<S> plan) {
        Set<String> seen = new HashSet<>();
        for (Shard shard : plan) {
            if (!seen.add(shard.id())) {
                throw new IllegalStateException("two shards share the id " + shard.id());
            }
        }
        return List.copyOf(plan);
    }
}

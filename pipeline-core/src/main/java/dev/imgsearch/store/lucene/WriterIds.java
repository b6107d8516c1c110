package dev.imgsearch.store.lucene;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Names of the shard folders writers create: a writer's id, unique and ordered by time, then the shard, then (for a
 * build task) the attempt, so that two writers, or two attempts of one task, never write the same folder.
 */
final class WriterIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private WriterIds() {
    }

    static String next() {
        return String.format(Locale.ROOT, "%011x%04x", System.currentTimeMillis(), RANDOM.nextInt(1 << 16));
    }

    static String folder(String writer, int shard) {
        return String.format(Locale.ROOT, "%s-s%04d", writer, shard);
    }

    static String folder(String writer, int shard, int attempt) {
        return folder(writer, shard) + "-a" + attempt;
    }
}

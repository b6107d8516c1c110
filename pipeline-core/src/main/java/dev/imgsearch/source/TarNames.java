package dev.imgsearch.source;

import java.util.Locale;

/** Which file names are tar shards: {@code .tar}, and gzip-compressed {@code .tar.gz} and {@code .tgz}. */
public final class TarNames {

    private TarNames() {
    }

    public static boolean isTar(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return !ImageNames.isHidden(fileName) && (lower.endsWith(".tar") || isGzipped(fileName));
    }

    public static boolean isGzipped(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".tar.gz") || lower.endsWith(".tgz");
    }
}

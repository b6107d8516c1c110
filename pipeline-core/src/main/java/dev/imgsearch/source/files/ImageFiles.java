package dev.imgsearch.source.files;

import dev.imgsearch.source.Shard;
import dev.imgsearch.source.Shards;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rules shared by the image-folder sources. Only files with an image extension (png, jpg, jpeg, gif, bmp, tif,
 * tiff, webp; any case) are items: guessing at extension-less files would turn READMEs and sidecar files into
 * decode failures. Names starting with '.' (".git", macOS "._x.jpg" resource forks) are skipped, files and folders.
 */
final class ImageFiles {

    static final String CAPTIONS_FILE = "captions.tsv";
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp");

    private ImageFiles() {
    }

    static boolean isImageName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    static boolean isHidden(String name) {
        return name.startsWith(".");
    }

    /**
     * Reads {@code captions.tsv}: one {@code relative/path<TAB>caption} per line, paths relative to the folder
     * with '/' separators (a leading "./" is ignored). Lines without a TAB are ignored; the last line for a path wins.
     */
    static Map<String, String> readCaptions(InputStream in) throws IOException {
        Map<String, String> captions = new HashMap<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    String path = line.substring(0, tab);
                    captions.put(path.startsWith("./") ? path.substring(2) : path, line.substring(tab + 1).strip());
                }
            }
        }
        return captions;
    }

    /** Cuts the listing, sorted by URI, into shards of {@code itemsPerShard} files. */
    static List<Shard> pack(List<FileListShard.Entry> entries, int itemsPerShard) {
        List<FileListShard.Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(FileListShard.Entry::uri));
        int count = (sorted.size() + itemsPerShard - 1) / itemsPerShard;
        List<Shard> shards = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<FileListShard.Entry> files =
                    sorted.subList(i * itemsPerShard, Math.min(sorted.size(), (i + 1) * itemsPerShard));
            List<String> parts = new ArrayList<>(files.size());
            for (FileListShard.Entry file : files) {
                parts.add(file.uri() + "\t" + file.size() + "\t" + file.caption());
            }
            shards.add(new FileListShard(Shards.number(i, count) + "-" + Shards.fingerprint(parts), files));
        }
        return Shards.requireUniqueIds(shards);
    }

    /** A one-line reason for a read failure. */
    static String describe(Exception e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ");
        return e.getClass().getSimpleName() + message;
    }

    static String tooLarge(long size, long limit) {
        return "file too large: " + size + " bytes (limit " + limit + ")";
    }
}

package dev.imgsearch.source;

import java.util.Locale;
import java.util.Set;

/**
 * Which names are images. Only names with an extension Pillow registers for a format the decoder reads are items
 * (JPEG: jpg, jpeg, jpe, jfif; PNG: png, apng; GIF: gif; BMP: bmp, dib; TIFF: tif, tiff; WebP: webp; any case):
 * guessing at other names would turn READMEs and sidecar files into decode failures. Names starting with '.'
 * (".git", macOS "._x.jpg" resource forks) are hidden and never read.
 */
public final class ImageNames {

    public static final Set<String> EXTENSIONS = Set.of(
            "jpg", "jpeg", "jpe", "jfif", "png", "apng", "gif", "bmp", "dib", "tif", "tiff", "webp");

    private ImageNames() {
    }

    public static boolean isImageName(String fileName) {
        return EXTENSIONS.contains(extension(fileName));
    }

    /** The lower-case text after the last '.' of a file name, or "" when there is none (or only a leading one). */
    public static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    public static boolean isHidden(String name) {
        return name.startsWith(".");
    }

    /** True when any '/'-separated segment of a relative path is hidden. */
    public static boolean isHiddenPath(String relative) {
        for (String segment : relative.split("/")) {
            if (isHidden(segment)) {
                return true;
            }
        }
        return false;
    }
}

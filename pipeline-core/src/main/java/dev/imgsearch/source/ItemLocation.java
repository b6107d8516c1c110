package dev.imgsearch.source;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one embedded image's bytes are, from its record: a whole file, a row of a Parquet file ({@code #row=N}), or a
 * member of a tar file ({@code #NAME}, with the member's offset and length that the record keeps).
 *
 * @param file   the URI of the file that holds the image
 * @param row    the Parquet row, or -1
 * @param member the tar member's data, or null
 */
public record ItemLocation(String file, long row, ByteRange member) {

    private static final Pattern ROW = Pattern.compile("^(.*\\.parquet)#row=(\\d+)$");
    private static final Pattern TAR_MEMBER = Pattern.compile("^(.*?\\.(?:tar|tgz|tar\\.gz))#.+$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    public ItemLocation {
        Objects.requireNonNull(file, "file");
    }

    /**
     * @param member the record's source offset and length, or null
     * @throws IllegalArgumentException when a tar member's URI comes without its offset and length
     */
    public static ItemLocation of(String uri, ByteRange member) {
        Matcher row = ROW.matcher(uri);
        if (row.matches()) {
            return new ItemLocation(row.group(1), Long.parseLong(row.group(2)), null);
        }
        Matcher tar = TAR_MEMBER.matcher(uri);
        if (tar.matches()) {
            if (member == null) {
                throw new IllegalArgumentException("the record of tar member " + uri + " has no source offset and length");
            }
            return new ItemLocation(tar.group(1), -1, member);
        }
        return new ItemLocation(uri, -1, null);
    }
}

package dev.imgsearch.source;

import dev.imgsearch.source.parquet.ParquetLayout;
import dev.imgsearch.source.tar.TarLayout;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one embedded image's bytes back from its record, as the embed job read them: a whole file streamed, a
 * Parquet row by reading the footer and the one row group that holds it, a tar member by one ranged read at its
 * recorded offset (a gzip-compressed tar is decompressed up to it). Files are reached as sources reach them, so
 * s3a settings and the Hub token apply alike.
 */
public final class ImageFetcher {

    /** The image is bigger than the caller takes. */
    public static final class TooLargeException extends IOException {
        TooLargeException(long limit) {
            super("the image is larger than the " + limit + "-byte limit");
        }
    }

    private final SourceOptions options;

    public ImageFetcher(SourceOptions options) {
        this.options = options;
    }

    public byte[] fetch(ItemLocation location, long maxBytes) throws IOException {
        try (DatasetFiles files = ImageSources.files(location.file(), options).open()) {
            DatasetFiles.StoredFile file = files.list().files().get(0);
            if (location.row() >= 0) {
                return capped(ParquetLayout.readRow(files, file, location.row(), options), maxBytes);
            }
            if (location.member() != null) {
                if (location.member().length() > maxBytes) {
                    throw new TooLargeException(maxBytes);
                }
                return TarLayout.readMember(files, file, location.member());
            }
            if (file.length() > maxBytes) {
                throw new TooLargeException(maxBytes);
            }
            try (InputStream in = files.open(file)) {
                return capped(in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1)), maxBytes);
            }
        }
    }

    private static byte[] capped(byte[] bytes, long maxBytes) throws TooLargeException {
        if (bytes.length > maxBytes) {
            throw new TooLargeException(maxBytes);
        }
        return bytes;
    }
}

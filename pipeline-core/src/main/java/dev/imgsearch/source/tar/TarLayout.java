package dev.imgsearch.source.tar;

import dev.imgsearch.source.ByteRange;
import dev.imgsearch.source.CloseableIterator;
import dev.imgsearch.source.DatasetFiles;
import dev.imgsearch.source.DatasetFiles.StoredFile;
import dev.imgsearch.source.Layout;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.Shards;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;
import dev.imgsearch.source.SourcePlan;
import dev.imgsearch.source.TarNames;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;


import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * WebDataset shards: every tar file ({@code .tar}, {@code .tar.gz}, {@code .tgz}) of the listing is one shard,
 * whatever the shard size, as WebDataset and img2dataset cut them; other files (img2dataset's Parquet and
 * {@code _stats.json} beside each tar) are counted as skipped. See {@link TarSamples} for how a tar becomes items.
 */
public final class TarLayout implements Layout {

    public static final String NOT_TARS = "not tar shards";

    private final SourceOptions options;

    public TarLayout(SourceOptions options) {
        this.options = options;
    }

    @Override
    public SourcePlan plan(DatasetFiles files, DatasetFiles.Listing listing, int itemsPerShard) {
        List<Shard> shards = new ArrayList<>();
        long others = 0;
        for (StoredFile file : listing.files()) {
            if (!TarNames.isTar(file.fileName())) {
                others++;
                continue;
            }
            String stem = file.name().replaceAll("(?i)(\\.tar|\\.tar\\.gz|\\.tgz)$", "");
            String fingerprint = Shards.fingerprint(List.of(file.uri(), Long.toString(file.length()),
                    file.version(), String.valueOf(file.revision())));
            shards.add(new TarShard(Shards.filenameSafe(stem) + "." + fingerprint, file));
        }
        return new SourcePlan(shards, Map.of(NOT_TARS, others, SourcePlan.HIDDEN, listing.hidden()), listing.partial());
    }

    @Override
    public boolean planned(Shard shard) {
        return shard instanceof TarShard;
    }

    /**
     * A member's data from its recorded offset and length: one ranged read, or for a gzip-compressed tar the
     * decompressed stream up to it.
     */
    public static byte[] readMember(DatasetFiles files, StoredFile tar, ByteRange member) throws IOException {
        if (!TarNames.isGzipped(tar.fileName())) {
            return files.read(tar, member.offset(), Math.toIntExact(member.length()));
        }
        try (InputStream in = new GzipCompressorInputStream(files.open(tar), true)) {
            in.skipNBytes(member.offset());
            byte[] bytes = in.readNBytes(Math.toIntExact(member.length()));
            if (bytes.length < member.length()) {
                throw new EOFException(tar.uri() + " ends before its member at " + member.offset());
            }
            return bytes;
        }
    }

    @Override
    public CloseableIterator<SourceItem> open(DatasetFiles files, Shard shard) throws IOException {
        return new TarSamples(files, ((TarShard) shard).file(), options.maxImageBytes());
    }
}

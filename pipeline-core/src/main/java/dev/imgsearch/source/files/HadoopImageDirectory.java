package dev.imgsearch.source.files;

import dev.imgsearch.source.CloseableIterator;
import dev.imgsearch.source.HadoopFiles;
import dev.imgsearch.source.ImageSource;
import dev.imgsearch.source.Shard;
import dev.imgsearch.source.Shards;
import dev.imgsearch.source.SourceItem;
import dev.imgsearch.source.SourceOptions;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Image files under a prefix of a Hadoop file system ({@code s3a://bucket/prefix} and the like), listed recursively,
 * with the same naming rules and {@code captions.tsv} as {@link LocalImageDirectory}. Item URIs are the Hadoop paths.
 */
public final class HadoopImageDirectory implements ImageSource {

    private final Path root;
    private final SourceOptions options;

    public HadoopImageDirectory(String location, SourceOptions options) {
        this.root = new Path(location);
        this.options = options;
    }

    @Override
    public List<Shard> plan(int itemsPerShard) throws IOException {
        Shards.requirePositive(itemsPerShard);
        try (FileSystem fs = HadoopFiles.fileSystem(root, options)) {
            Path qualified = fs.makeQualified(root);
            FileStatus rootStatus;
            try {
                rootStatus = fs.getFileStatus(qualified);
            } catch (FileNotFoundException e) {
                throw new FileNotFoundException("no such image folder or file: " + qualified);
            }
            List<FileListShard.Entry> entries = new ArrayList<>();
            if (rootStatus.isFile()) {
                if (ImageFiles.isImageName(qualified.getName())) {
                    entries.add(new FileListShard.Entry(qualified.toString(), rootStatus.getLen(), null));
                }
                return ImageFiles.pack(entries, itemsPerShard);
            }
            Map<String, String> captions = readCaptions(fs, qualified);
            String prefix = qualified.toUri().getPath().replaceAll("/+$", "") + "/";
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(qualified, true);
            while (it.hasNext()) {
                LocatedFileStatus status = it.next();
                String relative = status.getPath().toUri().getPath().substring(prefix.length());
                if (isImage(relative)) {
                    entries.add(new FileListShard.Entry(
                            status.getPath().toString(), status.getLen(), captions.get(relative)));
                }
            }
            return ImageFiles.pack(entries, itemsPerShard);
        }
    }

    @Override
    public CloseableIterator<SourceItem> open(Shard shard) throws IOException {
        if (!(shard instanceof FileListShard files)) {
            throw new IllegalArgumentException("shard " + shard.id() + " is not a file-list shard of " + root);
        }
        FileSystem fs = HadoopFiles.fileSystem(root, options);
        return CloseableIterator.mapping(files.files().iterator(), entry -> read(fs, entry), fs);
    }

    private SourceItem read(FileSystem fs, FileListShard.Entry entry) {
        if (entry.size() > options.maxImageBytes()) {
            return SourceItem.unreadable(entry.uri(), ImageFiles.tooLarge(entry.size(), options.maxImageBytes()),
                    entry.caption(), Map.of());
        }
        try (FSDataInputStream in = HadoopFiles.open(fs, new Path(entry.uri()), entry.size(), "whole-file")) {
            return SourceItem.read(entry.uri(), in.readAllBytes(), entry.caption(), Map.of());
        } catch (IOException | RuntimeException e) {
            return SourceItem.unreadable(entry.uri(), ImageFiles.describe(e), entry.caption(), Map.of());
        }
    }

    private static boolean isImage(String relative) {
        String[] parts = relative.split("/");
        for (String part : parts) {
            if (ImageFiles.isHidden(part)) {
                return false;
            }
        }
        return ImageFiles.isImageName(parts[parts.length - 1]);
    }

    private static Map<String, String> readCaptions(FileSystem fs, Path dir) throws IOException {
        try (FSDataInputStream in = fs.open(new Path(dir, ImageFiles.CAPTIONS_FILE))) {
            return ImageFiles.readCaptions(in);
        } catch (FileNotFoundException e) {
            return Map.of();
        }
    }
}
